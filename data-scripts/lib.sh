# Shared by the data-scripts/fetch-*.sh data scripts; sourced, never run. It only defines functions.
# Before calling them a script sets TOOL (the prefix of its messages, e.g. fetch-voc) and LOCK (its lock file, whose
# lines read "NAME md5 MD5 sha256 SHA256 URL": the checksums of a file's first verified download).

# The header comment of the calling script, without its first line (#!) and the leading "# ".
usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; }
say() { echo "$TOOL: $*"; }

# The data scripts' one option: -h/--help, --delete-archive (sets delete_archive=1); anything else is refused (exit 2).
parse_arguments() {
  delete_archive=0
  for arg in "$@"; do
    case "$arg" in
      -h|--help) usage; exit 0 ;;
      --delete-archive) delete_archive=1 ;;
      *) echo "$TOOL: unknown argument '$arg'" >&2; usage >&2; exit 2 ;;
    esac
  done
}
fail() { echo "$TOOL: $*" >&2; exit 1; }

# mirrored URL MIRROR: the file's URL, or, when MIRROR (a folder URL) is set, the file of the same name there.
mirrored() {
  if [ -n "$2" ]; then echo "${2%/}/$(basename "$1")"; else echo "$1"; fi
}

# The sha256 recorded in $LOCK for a file name, or nothing.
locked_sha() { awk -v n="$1" '$1 == n { print $5 }' "$LOCK" | tail -n 1; }

# fetch_verified FILE URL MD5 [CURL_OPTION...]
# Makes FILE the verified download of URL and sets FETCHED_SHA to its sha256. MD5 is the published checksum, or
# empty where none is published; then the sha256 of the first download is trusted and recorded. Once a sha256 is
# recorded in $LOCK, every later download and every file already there must have it. A file already there is
# checked and kept, or refused (never replaced). A download goes to FILE.part, is resumed from it (curl -C -),
# and is renamed to FILE only once verified; a .part that fails verification is deleted. The CURL_OPTIONs go to
# curl (a cookie jar, for instance).
fetch_verified() {
  local file="$1" url="$2" md5="$3"
  shift 3
  local name part recorded actual_md5 actual_sha curl_ok
  name="$(basename "$file")"
  part="$file.part"
  recorded="$(locked_sha "$name")"
  if [ -f "$file" ]; then
    actual_md5=$(md5sum "$file" | cut -d' ' -f1)
    actual_sha=$(sha256sum "$file" | cut -d' ' -f1)
    if { [ -n "$md5" ] && [ "$actual_md5" != "$md5" ]; } || { [ -n "$recorded" ] && [ "$actual_sha" != "$recorded" ]; }; then
      fail "$file exists but does not match (md5 $actual_md5, expected ${md5:-none published}; sha256 $actual_sha, recorded ${recorded:-none}); move it away to download again"
    fi
    say "$file already downloaded ($(verified_by "$md5" "$recorded"))"
  else
    if [ -f "$part" ]; then
      say "resuming from byte $(stat -c %s "$part") of $part"
    fi
    say "$name <- $url"
    # -C - continues the .part file; --fail turns HTTP errors into an exit status. A .part that is already
    # complete can make a server refuse the range, so a failed curl is forgiven when the .part is verified below.
    curl_ok=1
    curl --fail --location --retry 3 --continue-at - --output "$part" "$@" "$url" || curl_ok=0
    [ -f "$part" ] || fail "download failed and nothing arrived; check the URL ($url) and run again"
    actual_md5=$(md5sum "$part" | cut -d' ' -f1)
    actual_sha=$(sha256sum "$part" | cut -d' ' -f1)
    if [ $curl_ok = 0 ] && ! { [ -n "$md5" ] && [ "$actual_md5" = "$md5" ]; } && ! { [ -z "$md5" ] && [ -n "$recorded" ] && [ "$actual_sha" = "$recorded" ]; }; then
      fail "download failed; run again to resume from $part (or delete it to start over)"
    fi
    if [ -n "$md5" ] && [ "$actual_md5" != "$md5" ]; then
      rm -f "$part"
      fail "$name: md5 $actual_md5 does not match $md5; the download was deleted"
    fi
    if [ -n "$recorded" ] && [ "$actual_sha" != "$recorded" ]; then
      rm -f "$part"
      fail "$name: sha256 $actual_sha does not match $recorded recorded in $LOCK; the download was deleted"
    fi
    mv "$part" "$file"
    say "$name downloaded ($(verified_by "$md5" "$recorded"))"
  fi
  if [ -z "$recorded" ]; then
    printf '%s md5 %s sha256 %s %s\n' "$name" "$actual_md5" "$actual_sha" "$url" >>"$LOCK"
    say "md5 and sha256 recorded in $LOCK"
  fi
  FETCHED_SHA="$actual_sha"
}

# What a file was checked against, for the messages above.
verified_by() {
  if [ -n "$1" ]; then
    echo "md5 verified"
  elif [ -n "$2" ]; then
    echo "sha256 verified against the recorded one"
  else
    echo "no checksum published; its sha256 is recorded now and required from then on"
  fi
}

# "NAME SHA256" per archive name, as $LOCK records them: what a marker of an extraction holds.
recorded_shas() {
  local n
  for n in "$@"; do printf '%s %s\n' "$n" "$(locked_sha "$n")"; done
}

# already_extracted MARK WHAT NAME...
# MARK is written last by an extraction from the verified archives NAME...: when it names the sha256s that $LOCK
# records for them, say so and exit 0 (nothing to do); when it names others, fail; when it is absent, return.
already_extracted() {
  local mark="$1" what="$2"
  shift 2
  [ -f "$mark" ] || return 0
  if [ "$(cat "$mark")" = "$(recorded_shas "$@")" ]; then
    say "$what already extracted from the verified archives ($*); nothing to do"
    exit 0
  fi
  fail "$what was extracted from archives other than the ones recorded in $LOCK (see $mark); move it away to extract again"
}

# refuse_foreign PATH...: fails when one of the paths exists, since this script did not make it (no marker).
refuse_foreign() {
  local p
  for p in "$@"; do
    [ -e "$p" ] && fail "$p exists but was not made by this script; move it away (or point the loader at it) and run again"
  done
  return 0
}
