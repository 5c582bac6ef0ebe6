/// The analysts' page served at `/`: pick a date range and a dimension, see calls and answer-seizure ratio
/// as a chart and a table, fetched from `/v1/aggregates` with the analyst's token (kept in the tab's
/// session storage only; `#token=` in the address fills it in).
enum AnalystPage {
    static let html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>cdrpipe — traffic aggregates</title>
        <style>
        body { font: 14px system-ui, sans-serif; margin: 24px; color: #1b1f24; }
        form { display: flex; gap: 12px; align-items: end; flex-wrap: wrap; margin-bottom: 16px; }
        label { display: flex; flex-direction: column; gap: 4px; font-size: 12px; color: #57606a; }
        input, select, button { font: inherit; padding: 4px 6px; }
        button { background: #0b5cad; color: #fff; border: 0; border-radius: 4px; padding: 6px 14px; }
        #status { color: #57606a; margin: 8px 0; }
        #status.error { color: #b42318; }
        svg { border: 1px solid #d0d7de; background: #fff; }
        table { border-collapse: collapse; margin-top: 16px; }
        th, td { border-bottom: 1px solid #d0d7de; padding: 3px 10px; text-align: right; }
        th:first-child, td:first-child { text-align: left; }
        </style>
        </head>
        <body>
        <h1>Traffic aggregates</h1>
        <form id="query">
          <label>API token<input id="token" type="password" size="40" autocomplete="off"></label>
          <label>From<input id="from" type="date" required></label>
          <label>To<input id="to" type="date" required></label>
          <label>Dimension<select id="by">
            <option>day</option><option>month</option><option>hour</option><option>carrier</option>
            <option>country</option><option>type</option><option>area</option><option>direction</option>
            <option>disposition</option></select></label>
          <button type="submit">Show</button>
        </form>
        <div id="status">Choose a range and press Show.</div>
        <svg id="chart" width="960" height="320" role="img" aria-label="calls and answer-seizure ratio"></svg>
        <table id="table"><thead></thead><tbody></tbody></table>
        <script>
        const $ = (id) => document.getElementById(id);
        const params = new URLSearchParams(location.hash.slice(1));
        $("token").value = params.get("token") || sessionStorage.getItem("cdrpipe-token") || "";
        const today = new Date().toISOString().slice(0, 10);
        $("from").value = params.get("from") || new Date(Date.now() - 30 * 86400000).toISOString().slice(0, 10);
        $("to").value = params.get("to") || today;
        $("by").value = params.get("by") || "day";
        const svgNS = "http://www.w3.org/2000/svg";
        function el(name, attrs, text) {
          const node = document.createElementNS(svgNS, name);
          for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
          if (text !== undefined) node.textContent = text;
          return node;
        }
        function draw(rows, by) {
          const svg = $("chart");
          svg.replaceChildren();
          const W = 960, H = 320, L = 60, R = 50, T = 20, B = 60;
          const max = Math.max(1, ...rows.map((r) => r.calls));
          const step = (W - L - R) / Math.max(1, rows.length);
          svg.append(el("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: "#57606a" }));
          svg.append(el("text", { x: 4, y: T + 10, "font-size": 11, fill: "#57606a" }, max + " calls"));
          svg.append(el("text", { x: W - R + 4, y: T + 10, "font-size": 11, fill: "#d1242f" }, "ASR 100%"));
          let path = "";
          rows.forEach((r, i) => {
            const h = (H - T - B) * r.calls / max;
            const x = L + i * step;
            svg.append(el("rect", { x: x + step * 0.1, y: H - B - h, width: Math.max(1, step * 0.8), height: h,
              fill: "#1f77b4", "data-calls": r.calls }));
            const y = H - B - (H - T - B) * r.asr;
            path += (i ? "L" : "M") + (x + step / 2).toFixed(1) + " " + y.toFixed(1);
            if (rows.length <= 40 || i % Math.ceil(rows.length / 40) === 0)
              svg.append(el("text", { x: x + step / 2, y: H - B + 14, "font-size": 10, "text-anchor": "end",
                transform: `rotate(-45 ${x + step / 2} ${H - B + 14})` }, String(r[by])));
          });
          if (path) svg.append(el("path", { d: path, fill: "none", stroke: "#d1242f", "stroke-width": 2 }));
        }
        function tabulate(rows, by) {
          const cols = [by, "calls", "answered", "asr", "acd_seconds", "answered_minutes", "callers"];
          $("table").tHead.innerHTML = "<tr>" + cols.map((c) => `<th>${c}</th>`).join("") + "</tr>";
          const body = $("table").tBodies[0];
          body.replaceChildren();
          for (const r of rows) {
            const tr = document.createElement("tr");
            for (const c of cols) {
              const td = document.createElement("td");
              const v = r[c];
              td.textContent = v === null ? "<10" : typeof v === "number" && !Number.isInteger(v) ? v.toFixed(3) : v;
              tr.append(td);
            }
            body.append(tr);
          }
        }
        async function show(event) {
          if (event) event.preventDefault();
          const token = $("token").value.trim();
          sessionStorage.setItem("cdrpipe-token", token);
          const by = $("by").value;
          const url = `/v1/aggregates?from=${$("from").value}&to=${$("to").value}&by=${by}`;
          $("status").className = "";
          $("status").textContent = "Loading…";
          try {
            const response = await fetch(url, { headers: { Authorization: "Bearer " + token } });
            const text = await response.text();
            if (!response.ok) throw new Error(response.status + ": " + text);
            const rows = JSON.parse(text);
            draw(rows, by);
            tabulate(rows, by);
            const calls = rows.reduce((s, r) => s + r.calls, 0);
            $("status").textContent = `${rows.length} rows, ${calls} calls`;
          } catch (error) {
            $("status").className = "error";
            $("status").textContent = String(error.message || error);
          }
        }
        $("query").addEventListener("submit", show);
        if ($("token").value) show();
        </script>
        </body>
        </html>
        """
}
