#!/usr/bin/env bash
# Downloads ViT checkpoints (safetensors) into the folder that `--weights` defaults to.
#   data-scripts/fetch-weights.sh dino-vits16 [dino-vitb8 ...]
# Folder: $PATHWAYS_WEIGHTS_DIR, else ~/.cache/pathways/weights; each model becomes <model>.safetensors.
# Resumable: an interrupted download is continued from its .part file. Verified: sha256 pinned below where
# known; otherwise the first download's sha256 is recorded in <folder>/weights.lock and every later download
# (and every re-run) must match it. PATHWAYS_WEIGHTS_MIRROR replaces https://huggingface.co (tests use file://).
set -euo pipefail

declare -A URL=(
  [dino-vits16]=https://huggingface.co/timm/vit_small_patch16_224.dino/resolve/main/model.safetensors
  [dino-vits8]=https://huggingface.co/timm/vit_small_patch8_224.dino/resolve/main/model.safetensors
  [dino-vitb16]=https://huggingface.co/timm/vit_base_patch16_224.dino/resolve/main/model.safetensors
  [dino-vitb8]=https://huggingface.co/timm/vit_base_patch8_224.dino/resolve/main/model.safetensors
  [clip-vitb16]=https://huggingface.co/openai/clip-vit-base-patch16/resolve/main/model.safetensors
  [clip-vitb16-vocab]=https://huggingface.co/openai/clip-vit-base-patch16/resolve/main/vocab.json
  [clip-vitb16-merges]=https://huggingface.co/openai/clip-vit-base-patch16/resolve/main/merges.txt
  [mae-vitb16]=https://huggingface.co/timm/vit_base_patch16_224.mae/resolve/main/model.safetensors
)
# Files that are not <model>.safetensors; asking for clip-vitb16 also fetches its tokenizer.
declare -A FILE=(
  [clip-vitb16-vocab]=clip-vitb16.vocab.json
  [clip-vitb16-merges]=clip-vitb16.merges.txt
)
declare -A ALSO=(
  [clip-vitb16]="clip-vitb16-vocab clip-vitb16-merges"
)
# sha256 of the files above where a source states it (see ../shared/research/weights_data.md); empty = record on first download.
declare -A SHA=(
  [dino-vits16]=
  [dino-vits8]=e1b79616ce6d1b8dc3cc0d5952b6d0958356a189122882493e665d28f20654a0
  [dino-vitb16]=93181583427d6de3e18ab0e6ee4df35736cfc51a3c1bf9ae0e9b53b1316598dc
  [dino-vitb8]=
  [clip-vitb16]=
  [clip-vitb16-vocab]=
  [clip-vitb16-merges]=
  [mae-vitb16]=
)

usage() {
  echo "usage: $0 MODEL... (models: ${!URL[*]})" >&2
  exit 2
}
[ $# -ge 1 ] || usage
case "$1" in -h|--help) usage ;; esac

DIR="${PATHWAYS_WEIGHTS_DIR:-$HOME/.cache/pathways/weights}"
LOCK="$DIR/weights.lock"
mkdir -p "$DIR"
touch "$LOCK"

locked_sha() { awk -v m="$1" '$1 == m { print $2 }' "$LOCK" | tail -n 1; }

models=()
for m in "$@"; do
  models+=("$m")
  for extra in ${ALSO[$m]:-}; do models+=("$extra"); done
done

status=0
for model in "${models[@]}"; do
  url="${URL[$model]:-}"
  if [ -z "$url" ]; then
    echo "fetch-weights: unknown model '$model' (known: ${!URL[*]})" >&2
    status=2
    continue
  fi
  [ -n "${PATHWAYS_WEIGHTS_MIRROR:-}" ] && url="${PATHWAYS_WEIGHTS_MIRROR%/}${url#https://huggingface.co}"
  dest="$DIR/${FILE[$model]:-$model.safetensors}"
  part="$dest.part"
  expected="${SHA[$model]:-}"
  [ -z "$expected" ] && expected="$(locked_sha "$model")"

  if [ -f "$dest" ]; then
    actual=$(sha256sum "$dest" | cut -d' ' -f1)
    if [ -n "$expected" ] && [ "$actual" = "$expected" ]; then
      echo "fetch-weights: $model already in $dest (sha256 verified)"
      continue
    fi
    echo "fetch-weights: $dest exists but its sha256 $actual does not match ${expected:-anything recorded}; move it away to download again" >&2
    status=1
    continue
  fi

  echo "fetch-weights: $model <- $url"
  # -C - continues a partial .part file; --fail turns HTTP errors into an exit status.
  # A .part that is already complete (a run stopped between download and rename) can make an HTTP server refuse
  # the range (416): a failed curl is forgiven when the .part has the sha256 we expect, as fetch-voc.sh does.
  curl_ok=1
  curl --fail --location --retry 3 --continue-at - --output "$part" "$url" || curl_ok=0
  actual=$([ -f "$part" ] && sha256sum "$part" | cut -d' ' -f1)
  if [ $curl_ok = 0 ] && { [ -z "$expected" ] || [ "$actual" != "$expected" ]; }; then
    echo "fetch-weights: download of $model failed; run again to resume from $part" >&2
    status=1
    continue
  fi
  if [ -z "$expected" ]; then
    printf '%s %s %s\n' "$model" "$actual" "$url" >>"$LOCK"
    echo "fetch-weights: first download of $model: sha256 $actual recorded in $LOCK"
  elif [ "$actual" != "$expected" ]; then
    rm -f "$part"
    echo "fetch-weights: $model: sha256 $actual does not match $expected; the download was deleted" >&2
    status=1
    continue
  fi
  mv "$part" "$dest"
  echo "fetch-weights: $model -> $dest"
done
exit $status
