#!/usr/bin/env bash
# Installs what the notebooks need, on Debian/Ubuntu:
#   - Jupyter: Debian's jupyter-notebook, jupyter-nbconvert and python3-nbclient (what CI uses);
#     with --lab also JupyterLab from pip into environment/.venv (needs a working package index);
#   - the kernel "Pathways (Java 17)": rapaio-jupyter-kernel 3.0.1 from Maven Central, with the built library and
#     its dependencies on the class path (notebooks need no %jar lines) and a JVM run with -Dai.djl.offline=true
#     -Djava.awt.headless=true.
# Idempotent; honours JUPYTER_DATA_DIR; says what it did.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LAB=0
[ "${1:-}" = "--lab" ] && LAB=1
say() { echo "environment: $*" >&2; }

if command -v jupyter >/dev/null && jupyter nbconvert --version >/dev/null 2>&1; then
  say "Jupyter present (nbconvert $(jupyter nbconvert --version))"
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  say "installing Jupyter from Debian packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    jupyter-notebook jupyter-nbconvert python3-nbclient python3-ipykernel >/dev/null
else
  say "Jupyter is missing: sudo apt-get install jupyter-notebook jupyter-nbconvert python3-nbclient, then run again"
  exit 1
fi

if [ "$LAB" = 1 ] && [ ! -x "$ROOT/environment/.venv/bin/jupyter-lab" ]; then
  say "installing JupyterLab with pip into environment/.venv"
  python3 -m venv "$ROOT/environment/.venv"
  # a short timeout: without a reachable package index pip would otherwise retry for many minutes
  "$ROOT/environment/.venv/bin/pip" install -q --timeout 15 --retries 1 jupyterlab || { say "pip could not install JupyterLab"; exit 1; }
fi

"$ROOT/pathways" build

KERNEL_JAR="$ROOT/environment/target/rapaio-jupyter-kernel-3.0.1.jar"
if [ ! -f "$KERNEL_JAR" ]; then
  say "fetching rapaio-jupyter-kernel 3.0.1 from Maven Central"
  mvn -B -q dependency:copy -Dartifact=io.github.padreati:rapaio-jupyter-kernel:3.0.1 -DoutputDirectory="$ROOT/environment/target" >/dev/null
fi

# The kernel's channel threads can die at start-up (a race in its LoopThread, see kernel-patch/): our fixed class
# comes first on the class path and shadows the jar's.
PATCH_DIR="$ROOT/environment/target/kernel-patch"
PATCH_SRC="$ROOT/environment/kernel-patch/org/rapaio/jupyter/kernel/channels/LoopThread.java"
if [ ! -f "$PATCH_DIR/org/rapaio/jupyter/kernel/channels/LoopThread.class" ] || [ "$PATCH_SRC" -nt "$PATCH_DIR/org/rapaio/jupyter/kernel/channels/LoopThread.class" ]; then
  mkdir -p "$PATCH_DIR"
  javac --release 17 -nowarn -cp "$KERNEL_JAR" -d "$PATCH_DIR" "$PATCH_SRC"
  say "compiled the kernel's start-up fix (environment/kernel-patch/)"
fi

DATA="${JUPYTER_DATA_DIR:-$HOME/.local/share/jupyter}"
SPEC="$DATA/kernels/pathways-java"
mkdir -p "$SPEC"
# rapaio reads RJK_CLASSPATH with ';' between entries
CLASSPATH_RJK="$ROOT/lib/target/pathways-lib.jar;$(tr ':' ';' <"$ROOT/lib/target/classpath.txt")"
python3 - "$SPEC/kernel.json" "$KERNEL_JAR" "$CLASSPATH_RJK" "$PATCH_DIR" <<'PY'
import json, sys
path, jar, cp, patch = sys.argv[1:5]
spec = {
    "argv": ["java", "-Dai.djl.offline=true", "-Djava.awt.headless=true", "-Xmx6g", "-cp", patch + ":" + jar,
             "org.rapaio.jupyter.kernel.MainApp", "{connection_file}"],
    "display_name": "Pathways (Java 17)",
    "language": "java",
    "interrupt_mode": "message",
    "env": {"RJK_CLASSPATH": cp, "RJK_TIMEOUT_MILLIS": "-1", "TORCH_CPP_LOG_LEVEL": "ERROR"},
}
with open(path, "w") as f:
    json.dump(spec, f, indent=1)
PY
say "kernel 'Pathways (Java 17)' (pathways-java) installed in $SPEC"
