# Sourced by the build and test scripts: `step "name"` prints `==> name`, and when the next step
# starts or the script exits, `<== name: 42s`, so every CI log says where its time went.
# (Bash; the calling script sets its own -euo pipefail.)

_step_name=""
_step_started=0

_step_done() {
  if [ -n "$_step_name" ]; then
    printf '<== %s: %ss\n' "$_step_name" "$(( $(date +%s) - _step_started ))"
    _step_name=""
  fi
}

step() {
  _step_done
  _step_name="$*"
  _step_started=$(date +%s)
  printf '\n==> %s\n' "$*"
}

trap _step_done EXIT
