# Sourced by the spot-check scripts here: checks for Debian's ffmpeg and the photograph ($photo), and defines ff (ffmpeg,
# quiet, overwriting) and report.
command -v ffmpeg >/dev/null || { echo "needs Debian's ffmpeg: apt-get install ffmpeg" >&2; exit 1; }
photo=/usr/share/backgrounds/mate/nature/Dune.jpg
[ -f "$photo" ] || { echo "needs $photo: apt-get install mate-backgrounds" >&2; exit 1; }
ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }

# The work directory ($out: the script's first argument, else a new temporary one, unless the script set it) and the
# avmon command (${avmon[@]}: the arguments after it, else bin/avmon).
out=${out:-${1:-$(mktemp -d)}}
avmon=("${@:2}")
[ ${#avmon[@]} -gt 0 ] || avmon=(bin/avmon)
mkdir -p "$out"

# report WORK-DIR AVMON-COMMAND...: for each line "name: what was put in" of
# WORK-DIR/truth.txt, reads WORK-DIR/name.ts with `avmon analyze --json` and prints what was put in and what was
# reported, with the stream's field order as ffprobe gives it.
report() {
  local out=$1 line name
  shift
  while IFS= read -r line; do
    name=${line%%:*}
    echo "== $name (field order $(ffprobe -v error -select_streams v:0 -show_entries stream=field_order \
      -of default=nw=1:nk=1 "$out/$name.ts" | head -1))"
    echo "   put in:   ${line#*: }"
    # analyze exits 1 when it found defects, as it does here by design
    "$@" analyze --json "$out/$name.ts" 2>/dev/null </dev/null >"$out/$name.json" || [ $? -eq 1 ]
    python3 -c '
import json, sys
for line in sys.stdin:
    if line.strip():
        d = json.loads(line)
        print("   reported: %s %.2f-%.2f s, value %s %s" % (d["defectType"], d["startMediaTimeMs"] / 1000,
              (d.get("endMediaTimeMs") or 0) / 1000, round(d.get("value") or 0, 3), d.get("unit") or ""))' <"$out/$name.json"
  done < "$out/truth.txt"
}
