#!/usr/bin/env bash
# Downloads checkpoints (safetensors) into the folder that `--weights` defaults to.
#   data-scripts/fetch-weights.sh dino-vits16 [dino-vitb8 ... sd14]
# Folder: $PATHWAYS_WEIGHTS_DIR, else ~/.cache/pathways/weights; each ViT becomes <model>.safetensors.
# Resumable: an interrupted download is continued from its .part file. Verified: sha256 pinned below where
# known; otherwise the first download's sha256 is recorded in <folder>/weights.lock and every later download
# (and every re-run) must match it. PATHWAYS_WEIGHTS_MIRROR replaces https://huggingface.co (tests use file://).
#
# sd14: Stable Diffusion v1.4 (CompVis/stable-diffusion-v1-4, main) into <folder>/sd14 in the diffusers layout:
# unet/, vae/, text_encoder/ (config.json + weights), tokenizer/ (vocab.json, merges.txt, tokenizer_config.json,
# special_tokens_map.json), scheduler/scheduler_config.json. The repository is licence-gated: accept its licence on
# huggingface.co and export HF_TOKEN (a read token); it is sent as an Authorization header through curl's config on
# stdin, never on a command line. Each weights folder is listed through the Hugging Face API
# (api/models/CompVis/stable-diffusion-v1-4/tree/main/<folder>): the fp16 variant (<name>.fp16.safetensors) is taken
# where the listing has one, else the float32 file; it is saved under the plain diffusers name
# (diffusion_pytorch_model.safetensors, model.safetensors; the loaders widen F16 to float32) and checked against the
# sha256 that the listing publishes for it (its LFS oid). config.json, tokenizer and scheduler files are small git
# files without a published sha256: theirs is recorded in weights.lock on the first download.
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

SD14_REPO=CompVis/stable-diffusion-v1-4
# folder, then the weights' base name inside it (diffusers' and transformers' names).
SD14_WEIGHTS=("unet diffusion_pytorch_model" "vae diffusion_pytorch_model" "text_encoder model")
SD14_SMALL=(unet/config.json vae/config.json text_encoder/config.json tokenizer/vocab.json tokenizer/merges.txt
  tokenizer/tokenizer_config.json tokenizer/special_tokens_map.json scheduler/scheduler_config.json)

usage() {
  echo "usage: $0 MODEL... (models: ${!URL[*]} sd14)" >&2
  exit 2
}
[ $# -ge 1 ] || usage
case "$1" in -h|--help) usage ;; esac

for m in "$@"; do
  if [ "$m" = sd14 ] && [ -z "${HF_TOKEN:-}" ]; then
    echo "fetch-weights: sd14 needs HF_TOKEN (a Hugging Face read token, after accepting the licence of $SD14_REPO)" >&2
    exit 2
  fi
done

DIR="${PATHWAYS_WEIGHTS_DIR:-$HOME/.cache/pathways/weights}"
LOCK="$DIR/weights.lock"
mkdir -p "$DIR"
touch "$LOCK"

locked_sha() { awk -v m="$1" '$1 == m { print $2 }' "$LOCK" | tail -n 1; }

# The mirror's URL for a huggingface.co one.
mirrored() {
  if [ -n "${PATHWAYS_WEIGHTS_MIRROR:-}" ]; then echo "${PATHWAYS_WEIGHTS_MIRROR%/}${1#https://huggingface.co}"; else echo "$1"; fi
}

# curl, with the Hugging Face token as a header read from stdin when AUTH is set (so it never shows in ps).
# curl drops the header when a redirect leaves huggingface.co (the signed storage URL needs none).
hf_curl() {
  if [ -n "${AUTH:-}" ]; then
    printf 'header = "Authorization: Bearer %s"\n' "$HF_TOKEN" | curl --config - "$@"
  else
    curl "$@"
  fi
}

# fetch_file NAME URL DEST EXPECTED: makes DEST the verified download of URL; returns 1 (after one line on stderr)
# when it cannot. EXPECTED is the sha256 to match; empty: the one recorded for NAME, or, with none recorded, the
# first download's, which is then recorded.
fetch_file() {
  local name="$1" url="$2" dest="$3" expected="$4" part actual curl_ok
  part="$dest.part"
  [ -z "$expected" ] && expected="$(locked_sha "$name")"
  if [ -f "$dest" ]; then
    actual=$(sha256sum "$dest" | cut -d' ' -f1)
    if [ -n "$expected" ] && [ "$actual" = "$expected" ]; then
      echo "fetch-weights: $name already in $dest (sha256 verified)"
      return 0
    fi
    echo "fetch-weights: $dest exists but its sha256 $actual does not match ${expected:-anything recorded}; move it away to download again" >&2
    return 1
  fi
  mkdir -p "$(dirname "$dest")"
  echo "fetch-weights: $name <- $url"
  # -C - continues a partial .part file; --fail turns HTTP errors into an exit status.
  # A .part that is already complete (a run stopped between download and rename) can make an HTTP server refuse
  # the range (416): a failed curl is forgiven when the .part has the sha256 we expect, as fetch-voc.sh does.
  curl_ok=1
  hf_curl --fail --location --retry 3 --continue-at - --output "$part" "$url" || curl_ok=0
  actual=$([ -f "$part" ] && sha256sum "$part" | cut -d' ' -f1)
  if [ $curl_ok = 0 ] && { [ -z "$expected" ] || [ "$actual" != "$expected" ]; }; then
    echo "fetch-weights: download of $name failed; run again to resume from $part" >&2
    return 1
  fi
  if [ -z "$expected" ]; then
    printf '%s %s %s\n' "$name" "$actual" "$url" >>"$LOCK"
    echo "fetch-weights: first download of $name: sha256 $actual recorded in $LOCK"
  elif [ "$actual" != "$expected" ]; then
    rm -f "$part"
    echo "fetch-weights: $name: sha256 $actual does not match $expected; the download was deleted" >&2
    return 1
  fi
  mv "$part" "$dest"
  echo "fetch-weights: $name -> $dest"
}

# "PATH SHA256" for each LFS file of a Hugging Face tree listing (JSON array of {"type", "oid", "size",
# "lfs": {"oid": sha256, ...}, "path"}), one line each; files without LFS are left out.
lfs_files() {
  { tr -d '\n' <"$1"; echo; } | sed 's/{[[:space:]]*"type"/\n&/g' | while IFS= read -r entry; do # one object a line
    local path sha
    path=$(sed -n 's/.*"path"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' <<<"$entry")
    sha=$(sed -n 's/.*"lfs"[[:space:]]*:[[:space:]]*{[^}]*"oid"[[:space:]]*:[[:space:]]*"\([0-9a-f]\{64\}\)".*/\1/p' <<<"$entry")
    if [ -n "$path" ] && [ -n "$sha" ]; then echo "$path $sha"; fi
  done
}

# Stable Diffusion v1.4, as the header says. Returns 1 when a file could not be fetched or verified.
fetch_sd14() {
  local AUTH=1 root="$DIR/sd14" base="https://huggingface.co/$SD14_REPO/resolve/main" failed=0
  local spec folder stem listing listed chosen sha file
  listing="$(mktemp)"
  for spec in "${SD14_WEIGHTS[@]}"; do
    read -r folder stem <<<"$spec"
    if ! hf_curl --fail --silent --show-error --location --retry 3 --output "$listing" \
        "$(mirrored "https://huggingface.co/api/models/$SD14_REPO/tree/main/$folder")"; then
      echo "fetch-weights: sd14: cannot list $SD14_REPO/$folder (is the licence accepted for this HF_TOKEN?)" >&2
      failed=1
      continue
    fi
    listed="$(lfs_files "$listing")"
    chosen=""
    for file in "$folder/$stem.fp16.safetensors" "$folder/$stem.safetensors"; do
      sha=$(awk -v p="$file" '$1 == p { print $2 }' <<<"$listed")
      if [ -n "$sha" ]; then chosen="$file"; break; fi
    done
    if [ -z "$chosen" ]; then
      echo "fetch-weights: sd14: $SD14_REPO lists neither $folder/$stem.fp16.safetensors nor $folder/$stem.safetensors with a sha256" >&2
      failed=1
      continue
    fi
    fetch_file "sd14/$chosen" "$(mirrored "$base/$chosen")" "$root/$folder/$stem.safetensors" "$sha" || failed=1
  done
  rm -f "$listing"
  for file in "${SD14_SMALL[@]}"; do
    fetch_file "sd14/$file" "$(mirrored "$base/$file")" "$root/$file" "" || failed=1
  done
  [ $failed = 0 ] && echo "fetch-weights: sd14 in $root (diffusers layout)"
  return $failed
}

models=()
for m in "$@"; do
  models+=("$m")
  for extra in ${ALSO[$m]:-}; do models+=("$extra"); done
done

status=0
for model in "${models[@]}"; do
  if [ "$model" = sd14 ]; then
    fetch_sd14 || status=1
    continue
  fi
  url="${URL[$model]:-}"
  if [ -z "$url" ]; then
    echo "fetch-weights: unknown model '$model' (known: ${!URL[*]} sd14)" >&2
    status=2
    continue
  fi
  fetch_file "$model" "$(mirrored "$url")" "$DIR/${FILE[$model]:-$model.safetensors}" "${SHA[$model]:-}" || status=1
done
exit $status
