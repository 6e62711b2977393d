#!/usr/bin/env bash
# Downloads Cityscapes' fine annotations and left images and extracts their val split in the official layout, which
# Cityscapes.open reads (as torchvision's Cityscapes does for STEGO and the authors):
#   leftImg8bit/val/<city>/<city>_<seq>_<frame>_leftImg8bit.png, gtFine/val/<city>/<same>_gtFine_labelIds.png (and
#   gtFine's other val files: _color.png, _instanceIds.png, _polygons.json)
#   data-scripts/fetch-cityscapes.sh [--delete-archive]
# Cityscapes needs an account (https://www.cityscapes-dataset.com/register/): set CITYSCAPES_USERNAME and
# CITYSCAPES_PASSWORD. Without them the script says so on one line and exits 2. The password goes to curl on its
# standard input, never on a command line. Logging in follows cityscapesScripts' csDownload (download/downloader.py
# at 0bcc4a7 of github.com/mcordts/cityscapesScripts): GET /login for the session cookie, POST username, password and
# submit=Login to /login, which answers 302 when the credentials are right; then GET /file-handling/?packageID=N
# with the cookies, for N = 1 (gtFine_trainvaltest.zip, 241 MB) and 3 (leftImg8bit_trainvaltest.zip, 11 GB).
# Folder: $PATHWAYS_DATA_DIR/cityscapes, else ~/.cache/pathways/data/cityscapes. It gets:
#   the two zips                       kept unless --delete-archive (a download in progress is .part)
#   cityscapes.lock                    md5 and sha256 of each zip, recorded on its first verified download
#   leftImg8bit/val/ gtFine/val/       the set; gtFine/.pathways-extracted names the zips it came from
# Verified: each zip must have the MD5 the site publishes for it (its /md5-sum/?packageID=N, which csDownload checks):
# gtFine_trainvaltest.zip 4237c19de34c8a376e9ba46b495d6f66, leftImg8bit_trainvaltest.zip 0a6e97e94b616a514066c9e2adb0c97f;
# and, once recorded in cityscapes.lock, the same sha256. Resumable: an interrupted download continues from its .part
# file (curl -C -; run again, it logs in anew). Extraction goes to a staging folder whose parts are moved into place
# with gtFine/ last, so a half-extracted set is never readable. Idempotent: a second run finds the set marked as
# extracted from the verified zips and does nothing (and needs no login). It never replaces a folder or a zip it did
# not make; it deletes only a .part download that failed verification. Needs curl and unzip.
# Environment (tests point the URL at a local file:// folder):
#   CITYSCAPES_USERNAME, CITYSCAPES_PASSWORD   the account; needed only when something is to be downloaded
#   PATHWAYS_DATA_DIR                 parent of the cityscapes folder (default ~/.cache/pathways/data)
#   PATHWAYS_CITYSCAPES_URL           the site (default https://www.cityscapes-dataset.com). A file:// URL names a
#                                     folder holding the zips under their names; there is no login then (a file://
#                                     source has nothing to log in to), so no credentials are needed
#   PATHWAYS_CITYSCAPES_GTFINE_MD5, PATHWAYS_CITYSCAPES_LEFTIMG8BIT_MD5   the MD5s required (defaults above)
set -euo pipefail

OFFICIAL_URL=https://www.cityscapes-dataset.com
GTFINE=gtFine_trainvaltest.zip
GTFINE_PACKAGE=1
GTFINE_MD5=4237c19de34c8a376e9ba46b495d6f66
LEFTIMG8BIT=leftImg8bit_trainvaltest.zip
LEFTIMG8BIT_PACKAGE=3
LEFTIMG8BIT_MD5=0a6e97e94b616a514066c9e2adb0c97f

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
TOOL=fetch-cityscapes
parse_arguments "$@"

SITE="${PATHWAYS_CITYSCAPES_URL:-$OFFICIAL_URL}"
SITE="${SITE%/}"
DIR="${PATHWAYS_DATA_DIR:-$HOME/.cache/pathways/data}/cityscapes"
LOCK="$DIR/cityscapes.lock"
MARK="$DIR/gtFine/.pathways-extracted"
mkdir -p "$DIR"
touch "$LOCK"

already_extracted "$MARK" "the Cityscapes val split in $DIR" "$GTFINE" "$LEFTIMG8BIT"
refuse_foreign "$DIR/leftImg8bit" "$DIR/gtFine"
command -v unzip >/dev/null || fail "unzip is missing; install it (Debian/Ubuntu: apt-get install unzip) and run again"

STAGE="$(mktemp -d "$DIR/.extract.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
JAR="$STAGE/cookies"   # the session, private to this run: mktemp made STAGE mode 700

# The URL of a package: the site's file-handling address, or for a file:// folder the zip's name in it.
package_url() {
  case "$SITE" in
    file://*) echo "$SITE/$1" ;;
    *) echo "$SITE/file-handling/?packageID=$2" ;;
  esac
}

logged_in=0
# Logs in once, and only for the real site and only when a zip is still to be downloaded.
login() {
  [ $logged_in = 0 ] || return 0
  case "$SITE" in file://*) logged_in=1; return 0 ;; esac
  if [ -z "${CITYSCAPES_USERNAME:-}" ] || [ -z "${CITYSCAPES_PASSWORD:-}" ]; then
    echo "fetch-cityscapes: CITYSCAPES_USERNAME and CITYSCAPES_PASSWORD must be set to download from $SITE (an account: https://www.cityscapes-dataset.com/register/; --dataset sample-cityscapes tries things offline)" >&2
    exit 2
  fi
  say "logging in to $SITE as $CITYSCAPES_USERNAME"
  local code
  code=$(curl --silent --show-error --cookie "$JAR" --cookie-jar "$JAR" --output /dev/null --write-out '%{http_code}' "$SITE/login") \
    || fail "cannot reach $SITE/login; check the connection and run again"
  case "$code" in 2??|3??) ;; *) fail "$SITE/login answered HTTP $code; try again later" ;; esac
  code=$(printf '%s' "$CITYSCAPES_PASSWORD" | curl --silent --show-error --cookie "$JAR" --cookie-jar "$JAR" \
    --data-urlencode "username=$CITYSCAPES_USERNAME" --data-urlencode "password@-" --data "submit=Login" \
    --output /dev/null --write-out '%{http_code}' "$SITE/login") || fail "cannot reach $SITE/login; check the connection and run again"
  [ "$code" = 302 ] || fail "login refused by $SITE (HTTP $code, not the 302 of a good login); check CITYSCAPES_USERNAME and CITYSCAPES_PASSWORD"
  logged_in=1
}

for package in "$GTFINE $GTFINE_PACKAGE ${PATHWAYS_CITYSCAPES_GTFINE_MD5:-$GTFINE_MD5}" \
               "$LEFTIMG8BIT $LEFTIMG8BIT_PACKAGE ${PATHWAYS_CITYSCAPES_LEFTIMG8BIT_MD5:-$LEFTIMG8BIT_MD5}"; do
  read -r name id md5 <<<"$package"
  [ -f "$DIR/$name" ] || login
  fetch_verified "$DIR/$name" "$(package_url "$name" "$id")" "$md5" --cookie "$JAR"
done
rm -f "$JAR"

# Each zip holds its folder at the top (leftImg8bit/{train,val,test}/, gtFine/...), as torchvision unpacks them.
for pair in "leftImg8bit $LEFTIMG8BIT" "gtFine $GTFINE"; do
  read -r part name <<<"$pair"
  zip="$DIR/$name"
  say "extracting $part/val from $(basename "$zip")"
  status=0
  unzip -q -d "$STAGE" "$zip" "$part/val/*" >/dev/null 2>&1 || status=$?
  [ $status = 0 ] || [ $status = 11 ] || fail "$zip: unzip failed with status $status; the zip may be damaged (move it away to download again)"
  [ -n "$(ls -A "$STAGE/$part/val" 2>/dev/null)" ] || fail "$zip lacks $part/val/, or is damaged"
done
recorded_shas "$GTFINE" "$LEFTIMG8BIT" >"$STAGE/gtFine/.pathways-extracted"
mv -T "$STAGE/leftImg8bit" "$DIR/leftImg8bit"
mv -T "$STAGE/gtFine" "$DIR/gtFine"
say "the Cityscapes val split ($(find "$DIR/leftImg8bit/val" -name '*_leftImg8bit.png' | wc -l) images) extracted into $DIR"

if [ $delete_archive = 1 ]; then
  rm -f "$DIR/$GTFINE" "$DIR/$LEFTIMG8BIT"
  say "deleted the zips (their sha256 stay in $LOCK)"
fi
