# Sourced by the API benchmarks: writes the wrk scripts of their three client classes, each followed by the
# shared report (benchmarks/wrk-report.lua).
#   wrk_classes DIR PREFIX ANALYST OPERATOR FIRST LAST MIN_SPAN MAX_SPAN PATH...
# writes DIR/PREFIXcached.lua (the analyst's PATHs in turn), DIR/PREFIXslow.lua (by=day,country,type over a
# random range of MIN_SPAN to MAX_SPAN days between day numbers FIRST and LAST, never the same twice) and
# DIR/PREFIXoperator.lua (/v1/files), and DIR/report.lua.
wrk_classes() {
  local dir=$1 prefix=$2 analyst=$3 operator=$4 first=$5 last=$6 min_span=$7 max_span=$8
  shift 8
  cp benchmarks/wrk-report.lua "$dir/report.lua"
  { echo "local paths = {"
    for path in "$@"; do echo "  \"$path\","; done
    cat <<LUA
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], { ["Authorization"] = "Bearer $analyst" })
end
LUA
    cat "$dir/report.lua"; } >"$dir/${prefix}cached.lua"
  { cat <<LUA
math.randomseed(os.time())
request = function()
  local a = math.random($first, $last - $max_span)
  local b = a + math.random($min_span, $max_span)
  local from = os.date("!%Y-%m-%d", a * 86400)
  local to = os.date("!%Y-%m-%d", b * 86400)
  return wrk.format("GET", "/v1/aggregates?from=" .. from .. "&to=" .. to .. "&by=day,country,type",
    { ["Authorization"] = "Bearer $analyst" })
end
LUA
    cat "$dir/report.lua"; } >"$dir/${prefix}slow.lua"
  { cat <<LUA
request = function()
  return wrk.format("GET", "/v1/files?limit=20", { ["Authorization"] = "Bearer $operator" })
end
LUA
    cat "$dir/report.lua"; } >"$dir/${prefix}operator.lua"
}
