#!/usr/bin/env bash
# Downloads COCO-Stuff-27's curated validation set and extracts what CocoStuff.open reads, in STEGO's layout:
#   images/val2017/<id>.jpg, annotations/val2017/<id>.png, curated/val2017/Coco164kFull_Stuff_Coarse_7.txt
#   data-scripts/fetch-cocostuff.sh [--delete-archive]
# Sources. STEGO's download_datasets.py fetches one cocostuff.zip from its own Azure blob, but that zip repackages
# files published by their makers: STEGO's Coco class reads IIC's layout, which IIC builds (datasets/README.txt and
# setup_cocostuff164k.sh at github.com/xu-ji/IIC) from exactly the three files below. Taken from their makers they
# are the same data with a longer-lived address, and 1.4 GB instead of a zip that also carries train2017 (18 GB):
#   val2017.zip                       COCO 2017 val images, http://images.cocodataset.org/zips/
#   stuffthingmaps_trainval2017.zip   COCO-Stuff's label maps (fine ids 0..181, 255), calvin.inf.ed.ac.uk (COCO-Stuff's README)
#   COCOStuff164kCurated.tar.gz       IIC's curated image lists, https://www.robots.ox.ac.uk/~xuji/datasets/
# Only the curated list's val images (2175) and their label maps are extracted.
# Folder: $PATHWAYS_DATA_DIR/cocostuff, else ~/.cache/pathways/data/cocostuff. It gets:
#   the three archives                 kept unless --delete-archive (a download in progress is .part)
#   cocostuff.lock                     md5 and sha256 of each archive, recorded on its first verified download
#   images/ annotations/ curated/      the set; curated/.pathways-extracted names the archives it came from
# Verified: val2017.zip must have the MD5 that COCO loaders pin, 442b8da7639aecaf257c1dceb8ba8c80 (COCO's site
# publishes none). COCO-Stuff and IIC publish no checksum: the sha256 of their first download is recorded in
# cocostuff.lock and required of every later download and re-run. Resumable: an interrupted download continues
# from its .part file (curl -C -). Extraction goes to a staging folder whose parts are moved into place with
# curated/ last, so a half-extracted set is never readable (CocoStuff.open starts from the curated list).
# Idempotent: a second run finds the set marked as extracted from the verified archives and does nothing. It never
# replaces a folder or an archive it did not make; it deletes only a .part download that failed verification.
# Needs curl, tar and unzip.
# Environment (tests point these at a local file:// folder):
#   PATHWAYS_DATA_DIR          parent of the cocostuff folder (default ~/.cache/pathways/data)
#   PATHWAYS_COCOSTUFF_MIRROR  a folder URL holding the three archives under their names, used instead of the sources
#   PATHWAYS_COCO_VAL_MD5      the MD5 val2017.zip must have (default 442b8da7639aecaf257c1dceb8ba8c80)
set -euo pipefail

IMAGES_URL=http://images.cocodataset.org/zips/val2017.zip
IMAGES_MD5=442b8da7639aecaf257c1dceb8ba8c80
MAPS_URL=http://calvin.inf.ed.ac.uk/wp-content/uploads/data/cocostuffdataset/stuffthingmaps_trainval2017.zip
CURATED_URL=https://www.robots.ox.ac.uk/~xuji/datasets/COCOStuff164kCurated.tar.gz
LIST=Coco164kFull_Stuff_Coarse_7.txt

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
TOOL=fetch-cocostuff
parse_arguments "$@"

# The URL of an archive: its source, or the mirror folder's file of that name.
url_of() { mirrored "$1" "${PATHWAYS_COCOSTUFF_MIRROR:-}"; }
DIR="${PATHWAYS_DATA_DIR:-$HOME/.cache/pathways/data}/cocostuff"
LOCK="$DIR/cocostuff.lock"
IMAGES_ZIP="$DIR/$(basename "$IMAGES_URL")"
MAPS_ZIP="$DIR/$(basename "$MAPS_URL")"
CURATED_TGZ="$DIR/$(basename "$CURATED_URL")"
ARCHIVES=("$(basename "$IMAGES_ZIP")" "$(basename "$MAPS_ZIP")" "$(basename "$CURATED_TGZ")")
MARK="$DIR/curated/.pathways-extracted"
mkdir -p "$DIR"
touch "$LOCK"

already_extracted "$MARK" "the curated COCO-Stuff set in $DIR" "${ARCHIVES[@]}"
refuse_foreign "$DIR/images" "$DIR/annotations" "$DIR/curated"
command -v unzip >/dev/null || fail "unzip is missing; install it (Debian/Ubuntu: apt-get install unzip) and run again"

fetch_verified "$IMAGES_ZIP" "$(url_of "$IMAGES_URL")" "${PATHWAYS_COCO_VAL_MD5:-$IMAGES_MD5}"
fetch_verified "$MAPS_ZIP" "$(url_of "$MAPS_URL")" ""
fetch_verified "$CURATED_TGZ" "$(url_of "$CURATED_URL")" ""

STAGE="$(mktemp -d "$DIR/.extract.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
# IIC's tarball holds curated/<split>/<list>; it is looked up by its tail so that a top folder does not matter.
member="$(tar -t -z -f "$CURATED_TGZ" | grep -E "(^|/)val2017/$LIST\$" | head -n 1 || true)"
[ -n "$member" ] || fail "$CURATED_TGZ lacks val2017/$LIST, or is damaged"
mkdir -p "$STAGE/tgz" "$STAGE/curated/val2017"
tar -x -z -f "$CURATED_TGZ" -C "$STAGE/tgz" --no-same-owner "$member" || fail "$CURATED_TGZ: cannot extract $member"
tr -d '\r' <"$STAGE/tgz/$member" | awk 'NF { print $1 }' >"$STAGE/curated/val2017/$LIST"
IDS=()
mapfile -t IDS <"$STAGE/curated/val2017/$LIST"
[ ${#IDS[@]} -gt 0 ] || fail "$CURATED_TGZ: $member lists no images"
JPGS=()
PNGS=()
for id in "${IDS[@]}"; do
  [[ "$id" =~ ^[A-Za-z0-9_]+$ ]] || fail "$CURATED_TGZ: $member lists '$id', which is not an image id"
  JPGS+=("val2017/$id.jpg")
  PNGS+=("val2017/$id.png")
done

# unzip_members ZIP FOLDER MEMBER...: extracts the members; a missing one is found by the check after it
# (unzip's status 11), other failures stop here.
unzip_members() {
  local zip="$1" into="$2" status=0
  shift 2
  unzip -q -d "$into" "$zip" "$@" >/dev/null 2>&1 || status=$?
  [ $status = 0 ] || [ $status = 11 ] || fail "$zip: unzip failed with status $status; the archive may be damaged (move it away to download again)"
}
# Both zips hold val2017/<file> at their top (COCO-Stuff's and IIC's setups unzip them into images/ and annotations/).
say "extracting the ${#IDS[@]} curated val2017 images"
unzip_members "$IMAGES_ZIP" "$STAGE/images" "${JPGS[@]}"
say "extracting their label maps"
unzip_members "$MAPS_ZIP" "$STAGE/annotations" "${PNGS[@]}"
for id in "${IDS[@]}"; do
  [ -f "$STAGE/images/val2017/$id.jpg" ] || fail "$IMAGES_ZIP lacks val2017/$id.jpg of the curated list, or is damaged"
  [ -f "$STAGE/annotations/val2017/$id.png" ] || fail "$MAPS_ZIP lacks val2017/$id.png of the curated list, or is damaged"
done
recorded_shas "${ARCHIVES[@]}" >"$STAGE/curated/.pathways-extracted"
mv -T "$STAGE/images" "$DIR/images"
mv -T "$STAGE/annotations" "$DIR/annotations"
mv -T "$STAGE/curated" "$DIR/curated"
say "the curated COCO-Stuff set (${#IDS[@]} images) extracted into $DIR"

if [ $delete_archive = 1 ]; then
  rm -f "$IMAGES_ZIP" "$MAPS_ZIP" "$CURATED_TGZ"
  say "deleted the archives (their sha256 stay in $LOCK)"
fi
