#!/usr/bin/env bash
# Downloads COCO val2017 and CutLER's class-agnostic instance annotations, what the Table 7 run reads:
#   val2017/<id>.jpg, annotations/coco_cls_agnostic_instances_val2017.json
#   data-scripts/fetch-coco.sh [--delete-archive]
# Sources:
#   val2017.zip                                  COCO 2017 val images (5000), http://images.cocodataset.org/zips/
#   coco_cls_agnostic_instances_val2017.json     COCO's val2017 instances with every category merged into one, as
#                                                CutLER evaluates (its README), http://dl.fbaipublicfiles.com/cutler/coco/
# Folder: $PATHWAYS_DATA_DIR/coco, else ~/.cache/pathways/data/coco. It gets:
#   val2017.zip                  kept unless --delete-archive (a download in progress is .part)
#   coco.lock                    md5 and sha256 of each download, recorded on its first verified download
#   val2017/ annotations/        the set; annotations/.pathways-extracted names the downloads it came from
# Verified: val2017.zip must have the MD5 that COCO loaders pin, 442b8da7639aecaf257c1dceb8ba8c80 (COCO's site
# publishes none). CutLER publishes no checksum for its JSON: the sha256 of its first download is recorded in
# coco.lock and required of every later download and re-run. Resumable: an interrupted download continues from its
# .part file (curl -C -). Extraction goes to a staging folder whose parts are moved into place with annotations/
# last, so a half-extracted set is never readable (the loader starts from the annotation file).
# Idempotent: a second run finds the set marked as extracted from the verified downloads and does nothing. It never
# replaces a folder or a download it did not make; it deletes only a .part download that failed verification.
# Needs curl and unzip.
# Environment (tests point these at a local file:// folder):
#   PATHWAYS_DATA_DIR          parent of the coco folder (default ~/.cache/pathways/data)
#   PATHWAYS_COCO_MIRROR       a folder URL holding both files under their names, used instead of the sources
#   PATHWAYS_COCO_VAL_MD5      the MD5 val2017.zip must have (default 442b8da7639aecaf257c1dceb8ba8c80)
set -euo pipefail

IMAGES_URL=http://images.cocodataset.org/zips/val2017.zip
IMAGES_MD5=442b8da7639aecaf257c1dceb8ba8c80
ANNOTATIONS_URL=http://dl.fbaipublicfiles.com/cutler/coco/coco_cls_agnostic_instances_val2017.json

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
TOOL=fetch-coco
parse_arguments "$@"

# The URL of a download: its source, or the mirror folder's file of that name.
url_of() { mirrored "$1" "${PATHWAYS_COCO_MIRROR:-}"; }
DIR="${PATHWAYS_DATA_DIR:-$HOME/.cache/pathways/data}/coco"
LOCK="$DIR/coco.lock"
IMAGES_ZIP="$DIR/$(basename "$IMAGES_URL")"
ANNOTATIONS_NAME="$(basename "$ANNOTATIONS_URL")"
# the JSON is downloaded beside the zip and moved into annotations/ with the extraction
ANNOTATIONS_DOWNLOAD="$DIR/$ANNOTATIONS_NAME"
DOWNLOADS=("$(basename "$IMAGES_ZIP")" "$ANNOTATIONS_NAME")
MARK="$DIR/annotations/.pathways-extracted"
mkdir -p "$DIR"
touch "$LOCK"

already_extracted "$MARK" "COCO val2017 in $DIR" "${DOWNLOADS[@]}"
refuse_foreign "$DIR/val2017" "$DIR/annotations"
command -v unzip >/dev/null || fail "unzip is missing; install it (Debian/Ubuntu: apt-get install unzip) and run again"

fetch_verified "$IMAGES_ZIP" "$(url_of "$IMAGES_URL")" "${PATHWAYS_COCO_VAL_MD5:-$IMAGES_MD5}"
fetch_verified "$ANNOTATIONS_DOWNLOAD" "$(url_of "$ANNOTATIONS_URL")" ""
# a JSON object with images and annotations, not an HTML error page that happened to download
head -c 4096 "$ANNOTATIONS_DOWNLOAD" | grep -q '"images"\|"info"\|"annotations"' \
  || fail "$ANNOTATIONS_DOWNLOAD does not look like a COCO annotation file; move it away to download again"

STAGE="$(mktemp -d "$DIR/.extract.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
say "extracting the val2017 images"
status=0
unzip -q -d "$STAGE" "$IMAGES_ZIP" 'val2017/*' >/dev/null 2>&1 || status=$?
[ $status = 0 ] || fail "$IMAGES_ZIP: unzip failed with status $status; the archive may be damaged (move it away to download again)"
count=$(find "$STAGE/val2017" -maxdepth 1 -name '*.jpg' 2>/dev/null | wc -l)
[ "$count" -gt 0 ] || fail "$IMAGES_ZIP holds no val2017/*.jpg"
mkdir -p "$STAGE/annotations"
cp "$ANNOTATIONS_DOWNLOAD" "$STAGE/annotations/$ANNOTATIONS_NAME"
recorded_shas "${DOWNLOADS[@]}" >"$STAGE/annotations/.pathways-extracted"
mv -T "$STAGE/val2017" "$DIR/val2017"
mv -T "$STAGE/annotations" "$DIR/annotations"
say "COCO val2017 ($count images) and the class-agnostic annotations extracted into $DIR"

if [ $delete_archive = 1 ]; then
  rm -f "$IMAGES_ZIP" "$ANNOTATIONS_DOWNLOAD"
  say "deleted the downloads (their sha256 stay in $LOCK)"
fi
