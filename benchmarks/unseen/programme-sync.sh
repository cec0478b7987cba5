#!/usr/bin/env bash
# Programme material against the A/V sync detector (and the drop detector beside it): slow pans over photographs
# with cross-fades or cuts, on music whose sound cuts to silence with hard edges; speech over a static shot; sparse
# sounds over digital silence; the same programmes with frames removed (timestamps kept, as a drop or stall upstream
# leaves them); and a flash-and-beep pattern in sync with frames removed. Nothing here is out of sync: any
# AV_SYNC_OFFSET is a false alarm. Encoded by Debian's ffmpeg as x264 High (CABAC, B-frames, 10 s GOPs) with AAC,
# x265 with AC-3, and interlaced MPEG-2 (576i, top field first) with MP2, in MPEG-TS.
# Development half: photographs Dune, Garden, Aqua, Wood, GreenMeadow; the first music track; espeak-ng's default
# voice; three of frozen-bubble's sounds. Held-out half: Storm, LadyBird, RainDrops, YellowFlower, TwoWings; the
# second track; another voice and text; three other sounds; drops at other places. Thresholds are tuned on the
# development half only.
# Needs Debian's ffmpeg, espeak-ng, mate-backgrounds and frozen-bubble-data (apt-get install).
# Usage: benchmarks/unseen/programme-sync.sh [work-dir] [avmon command...]
# The avmon command defaults to bin/avmon. Clips already in the work directory are read again, not re-encoded.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=common.sh
. benchmarks/unseen/common.sh
command -v espeak-ng >/dev/null || { echo "needs espeak-ng: apt-get install espeak-ng" >&2; exit 1; }
snd=/usr/share/games/frozen-bubble/snd
[ -d "$snd" ] || { echo "needs $snd: apt-get install frozen-bubble-data" >&2; exit 1; }
pics=/usr/share/backgrounds/mate/nature
: > "$out/truth.txt"

# Video codec and sound codec of each encoding; all MPEG-TS.
codec() { # x264-aac | x265-ac3 | mpeg2i-mp2
  case $1 in
    x264-aac) echo "-c:v libx264 -profile:v high -preset veryfast -crf 23 -g 250 -bf 3 -c:a aac -b:a 128k" ;;
    x265-ac3) echo "-c:v libx265 -preset ultrafast -crf 28 -x265-params log-level=error -c:a ac3 -b:a 192k" ;;
    mpeg2i-mp2) echo "-c:v mpeg2video -b:v 5M -maxrate 7M -bufsize 2M -g 12 -bf 2 -flags +ilme+ildct -top 1 -c:a mp2 -b:a 192k" ;;
  esac
}

# A slow pan over five photographs of 9 s each (1280x720, 25 fps, live grain of strength 4), joined by 1 s
# cross-fades (xfade) or by cuts: 41 s with cross-fades, 45 s with cuts. Prints -i options then a filter graph on
# stdout, separated by a line "--".
slides() { # join(xfade|cuts) photo...
  local join=$1 i=0 inputs="" graph="" prev offset=0
  shift
  for p in "$@"; do
    inputs+=" -i $pics/$p.jpg"
    graph+="[$i:v]scale=1920:-2,format=yuv420p,loop=loop=224:size=1,setpts=N/25/TB,fps=25,crop=1280:720:x='40+t*12':y='(ih-720)/3',noise=alls=4:allf=t,setsar=1[p$i];"
    i=$((i + 1))
  done
  prev="[p0]"
  for ((k = 1; k < i; k++)); do
    if [ "$join" = xfade ]; then
      offset=$((offset + 8))
      graph+="${prev}[p$k]xfade=transition=fade:duration=1:offset=$offset[x$k];"
    else
      graph+="${prev}[p$k]concat=n=2:v=1:a=0[x$k];"
    fi
    prev="[x$k]"
  done
  echo "$inputs"
  echo "--"
  # xfade leaves out one frame where each fade ends; fps=25 fills it, so only the drops made on purpose are holes.
  echo "$graph${prev}fps=25"
}

# make NAME ENCODING VIDEO-INPUTS VIDEO-GRAPH AUDIO-INPUT-OPTIONS AUDIO-GRAPH DROPS TRUTH SECONDS
# DROPS: a select expression of the times to remove ("" for none); timestamps are kept (-fps_mode passthrough).
make() {
  local name=$1 enc=$2 vin=$3 vgraph=$4 ain=$5 agraph=$6 drops=$7 truth=$8 seconds=$9
  echo "$name: $truth" >> "$out/truth.txt"
  [ -s "$out/$name.ts" ] && return
  local nin
  nin=$(tr ' ' '\n' <<< "$vin" | grep -c -x -- -i)
  [ -n "$drops" ] && vgraph+=",select='not($drops)'"
  # MPEG-2 is coded interlaced at 576i, top field first.
  [ "$enc" = mpeg2i-mp2 ] && vgraph+=",scale=720:576,setsar=64/45,setfield=tff"
  # shellcheck disable=SC2086
  ff $vin $ain -filter_complex "$vgraph,format=yuv420p[v];[$nin:a]$agraph,aresample=48000,aformat=channel_layouts=stereo[a]" \
    -map "[v]" -map "[a]" -fps_mode passthrough -t "$seconds" $(codec "$enc") -f mpegts "$out/$name.ts"
}

speech() { # out voice text
  espeak-ng -v "$2" -s 150 -w "$1" "$3"
}

for half in dev held; do
  if [ $half = dev ]; then
    photos=(Dune Garden Aqua Wood GreenMeadow); music=$snd/frozen-mainzik-1p.ogg; music_from=20
    voice=en; text="Good evening. Here is the news. The weather was mild today, with sunshine in the west. \
Tomorrow, rain will spread from the north. Traffic was light on the main roads. That is all for now."
    effects=(launch rebound stick); enc_a=x264-aac; enc_b=x265-ac3; enc_c=mpeg2i-mp2
    # Frames removed: 1 at 6.0 s, 3 at 11.0 s, 12 at 17.0 s, a stall of 1.2 s at 23.0 s, one in five over 29-33 s.
    drops="between(t,6.0,6.02)+between(t,11.0,11.1)+between(t,17.0,17.46)+between(t,23.0,24.18)+between(t,29,33)*not(mod(n,5))"
    pat_drops="between(t,5.5,5.6)+between(t,9.95,10.1)+between(t,14.99,15.01)+between(t,20.0,21.0)+between(t,25,30)*not(mod(n,5))"
  else
    photos=(Storm LadyBird RainDrops YellowFlower TwoWings); music=$snd/frozen-mainzik-2p.ogg; music_from=30
    voice=en-us+f3; text="Welcome back. In the studio tonight we talk about gardens. Many people grow vegetables \
at home now. Our guest has kept bees for twenty years. She will tell us how it started."
    effects=(malus newroot cancel); enc_a=x265-ac3; enc_b=mpeg2i-mp2; enc_c=x264-aac
    drops="between(t,7.3,7.32)+between(t,12.5,12.6)+between(t,19.2,19.66)+between(t,26.4,27.8)+between(t,33,37)*not(mod(n,4))"
    pat_drops="between(t,6.3,6.4)+between(t,11.95,12.1)+between(t,16.99,17.01)+between(t,22.0,23.4)+between(t,27,32)*not(mod(n,4))"
  fi
  mapfile -t xf < <(slides xfade "${photos[@]}")
  mapfile -t cu < <(slides cuts "${photos[@]}")
  # Music whose sound cuts to digital silence and back with hard edges, at 9-12, 20-21.5 and 31-34 s.
  mus_in="-ss $music_from -i $music"
  mus_graph="volume=volume=0:enable='between(t,9,12)+between(t,20,21.5)+between(t,31,34)'"
  for enc in $enc_a $enc_b; do
    make "$half-xfade-music-$enc" "$enc" "${xf[0]}" "${xf[2]}" "$mus_in" "$mus_graph" "" \
      "pan over photographs with cross-fades, music cut to silence at 9-12, 20-21.5, 31-34 s (no sync offset)" 41
    make "$half-cuts-music-$enc" "$enc" "${cu[0]}" "${cu[2]}" "$mus_in" "$mus_graph" "" \
      "pan over photographs with cuts every 9 s, music cut to silence at 9-12, 20-21.5, 31-34 s (no sync offset)" 45
    make "$half-xfade-music-drops-$enc" "$enc" "${xf[0]}" "${xf[2]}" "$mus_in" "$mus_graph" "$drops" \
      "the cross-faded pan and music with frames removed ($drops) (FRAME_DROP; no sync offset)" 41
  done
  # Speech over a static shot (a still photograph under live grain), sentences with their pauses, 3 s of silence
  # before.
  speech "$out/$half-speech.wav" "$voice" "$text"
  still="-i $pics/${photos[0]}.jpg"
  still_graph="[0:v]scale=1920:-2,format=yuv420p,loop=loop=999:size=1,setpts=N/25/TB,fps=25,crop=1280:720:x=40:y='(ih-720)/3',noise=alls=4:allf=t,setsar=1"
  make "$half-speech-still-$enc_c" "$enc_c" "$still" "$still_graph" "-i $out/$half-speech.wav" \
    "adelay=3000:all=1,apad=whole_dur=25" "" "speech over a static shot (no sync offset)" 25
  # Sparse sounds over digital silence, under the cross-faded pan: one effect every 2.3-3.1 s.
  fx_in="-f lavfi -i anullsrc=r=48000:cl=stereo"
  fx_graph="atrim=0:41"
  k=1; t=1500
  for e in "${effects[@]}" "${effects[@]}" "${effects[@]}" "${effects[@]}"; do
    fx_in+=" -i $snd/$e.ogg"
    fx_graph+="[s$k];[$((${#photos[@]} + k)):a]aresample=48000,aformat=channel_layouts=stereo,adelay=$t:all=1[e$k];[s$k][e$k]amix=normalize=0:duration=first"
    k=$((k + 1)); t=$((t + 2300 + (k * 373) % 800))
  done
  make "$half-xfade-sparse-$enc_c" "$enc_c" "${xf[0]}" "${xf[2]}" "$fx_in" "$fx_graph" "" \
    "pan over photographs with cross-fades, short sounds over digital silence every 2.3-3.1 s (no sync offset)" 41
  # A flash-and-beep pattern in sync (a white frame pair and a 40 ms 1 kHz beep at each whole second, over grey),
  # frames removed around and on the flashes.
  for enc in $enc_a $enc_c; do
    make "$half-pattern-drops-$enc" "$enc" "-f lavfi -i color=c=gray:s=1280x720:r=25:d=36" \
      "[0:v]format=yuv420p,drawbox=c=white:t=fill:enable='lt(mod(t\,1)\,0.079)'" \
      "-f lavfi -i sine=f=1000:r=48000:d=36" "volume=volume=0:enable='gte(mod(t\,1)\,0.04)'" "$pat_drops" \
      "flash-and-beep in sync, frames removed ($pat_drops) (FRAME_DROP; no sync offset)" 36
  done
done

report "$out" "${avmon[@]}"
