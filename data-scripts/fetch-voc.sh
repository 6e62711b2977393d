#!/usr/bin/env bash
# Downloads PASCAL VOC 2012 (VOCtrainval_11-May-2012.tar, 1999639040 bytes) and extracts what segmentation needs
# into the folder that VocDataset.defaultRoot() reads.
#   data-scripts/fetch-voc.sh [--delete-archive]
# Folder: $PATHWAYS_DATA_DIR/voc, else ~/.cache/pathways/data/voc. It gets:
#   VOCtrainval_11-May-2012.tar        the archive (kept unless --delete-archive; a download in progress is .part)
#   voc.lock                           md5 and sha256 of the archive, recorded on the first verified download
#   VOCdevkit/VOC2012/                 ImageSets/Segmentation, SegmentationClass, and the JPEGImages of those ids
# Resumable: an interrupted download is continued from its .part file (curl -C -). Verified: the archive must have
# the published MD5, and, once recorded in voc.lock, the same sha256. Extraction goes to a staging folder that is
# renamed into place, so a half-extracted set is never left where the loader looks. Idempotent: a second run finds
# VOC2012 marked as extracted from the verified archive and does nothing. It never replaces a VOC2012 folder or an
# archive that is already there; it deletes only a .part download that failed verification (and, with
# --delete-archive, the archive once extracted).
# Environment (tests point these at a local file:// tar):
#   PATHWAYS_DATA_DIR   parent of the voc folder (default ~/.cache/pathways/data)
#   PATHWAYS_VOC_URL    the archive's URL (default http://host.robots.ox.ac.uk/pascal/VOC/voc2012/VOCtrainval_11-May-2012.tar)
#   PATHWAYS_VOC_MD5    the MD5 it must have (default 6cd6e144f989b92b3379bac3b3de84fd, the published one)
set -euo pipefail

OFFICIAL_URL=http://host.robots.ox.ac.uk/pascal/VOC/voc2012/VOCtrainval_11-May-2012.tar
OFFICIAL_MD5=6cd6e144f989b92b3379bac3b3de84fd
NAME=VOCtrainval_11-May-2012.tar
MEMBER=VOCdevkit/VOC2012

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
TOOL=fetch-voc
parse_arguments "$@"

URL="${PATHWAYS_VOC_URL:-$OFFICIAL_URL}"
MD5="${PATHWAYS_VOC_MD5:-$OFFICIAL_MD5}"
DIR="${PATHWAYS_DATA_DIR:-$HOME/.cache/pathways/data}/voc"
ARCHIVE="$DIR/$NAME"
LOCK="$DIR/voc.lock"
TARGET="$DIR/$MEMBER"
MARK=.pathways-extracted   # inside VOC2012: the sha256 of the archive it came from
mkdir -p "$DIR"
touch "$LOCK"

recorded="$(locked_sha "$NAME")"

# Already done: VOC2012 carries the sha256 of the archive that was verified when it was extracted.
if [ -f "$TARGET/$MARK" ]; then
  made_from="$(cat "$TARGET/$MARK")"
  if [ -n "$recorded" ] && [ "$made_from" = "$recorded" ]; then
    say "VOC2012 already in $TARGET (extracted from the verified archive, sha256 $recorded); nothing to do"
    exit 0
  fi
  fail "$TARGET was extracted from an archive with sha256 $made_from, not the one in $LOCK (${recorded:-none}); move it away to extract again"
fi
if [ -e "$TARGET" ]; then
  fail "$TARGET exists but was not made by this script; move it away (or point the loader at it) and run again"
fi

# The archive: verify the one from an earlier run, or download (resuming from .part) and verify it.
fetch_verified "$ARCHIVE" "$URL" "$MD5"
recorded="$FETCHED_SHA"

# Extraction into a staging folder next to the target, renamed into place when complete.
STAGE="$(mktemp -d "$DIR/.extract.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
say "extracting ImageSets/Segmentation and SegmentationClass"
if ! tar -x -f "$ARCHIVE" -C "$STAGE" --no-same-owner "$MEMBER/ImageSets/Segmentation" "$MEMBER/SegmentationClass"; then
  fail "$ARCHIVE lacks $MEMBER/ImageSets/Segmentation or $MEMBER/SegmentationClass, or is damaged"
fi
LIST="$STAGE/.jpegs"
cat "$STAGE/$MEMBER"/ImageSets/Segmentation/*.txt | tr -d '\r' | awk 'NF { print $1 }' | sort -u \
  | awk -v m="$MEMBER" '{ print m "/JPEGImages/" $1 ".jpg" }' >"$LIST"
[ -s "$LIST" ] || fail "$ARCHIVE: ImageSets/Segmentation lists no images"
say "extracting the $(wc -l <"$LIST") JPEGImages of the segmentation splits"
if ! tar -x -f "$ARCHIVE" -C "$STAGE" --no-same-owner --verbatim-files-from -T "$LIST"; then
  fail "$ARCHIVE lacks some JPEGImages of the segmentation splits, or is damaged"
fi
rm -f "$LIST"
printf '%s\n' "$recorded" >"$STAGE/$MEMBER/$MARK"
mkdir -p "$DIR/VOCdevkit"
mv -T "$STAGE/$MEMBER" "$TARGET"
say "VOC2012 extracted into $TARGET"

if [ $delete_archive = 1 ]; then
  rm -f "$ARCHIVE"
  say "deleted $ARCHIVE (its sha256 stays in $LOCK)"
fi
