#!/usr/bin/env python3
"""End-to-end alert latency and push throughput of `cdrpipe run` (driven by benchmarks/service.sh).

Phase 1, latency: a switch drops one Asterisk file per second holding RATE calls that just ended, and an SBC
posts its calls over HTTP at the same time. Every PROBE_EVERY seconds one call in the file, and one posted call,
goes to an IPRN test range, which the irsf-hotlist rule alerts on at the first call. Latency is measured from
the moment the file is renamed into the folder, or the POST is answered, to the moment the webhook receives the
alert naming that call's caller. Prints p50/p99/max for each path, and the records/s the service kept up with.

Phase 2, push throughput: TOTAL records posted as JSON arrays of BATCH by CLIENTS concurrent senders, against
`cdrpipe ingest` of the same records written as one CSV file (the baseline).
"""
import http.server, json, os, random, subprocess, sys, threading, time, urllib.request

binary, workdir = sys.argv[1], sys.argv[2]
seconds = int(os.environ.get("SECONDS_RUN", "60"))
rate = int(os.environ.get("RATE", "5000"))
probe_every = int(os.environ.get("PROBE_EVERY", "2"))
total, batch, clients = int(os.environ.get("TOTAL", "100000")), int(os.environ.get("BATCH", "500")), 8
received = {}
lock = threading.Lock()


class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        now = time.time()
        try:
            for entry in json.loads(body).get("alerts", []):
                alert = entry.get("alert", {})
                if alert.get("detector") == "irsf-hotlist":
                    with lock:
                        received.setdefault(alert.get("subject", ""), now)
        except ValueError:
            pass
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def stamp(t):
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t))


def line(caller, dialled, end, duration, uid):
    start = end - duration
    return (f'"","{caller}","{dialled}","default","{caller}","SIP/edge-{uid % 7}","SIP/out","Dial","x",'
            f'"{stamp(start)}","{stamp(start + 2)}","{stamp(end)}",{duration},{duration - 2},"ANSWERED",'
            f'"DOCUMENTATION","{uid}",""\n')


def record(caller, dialled, end, duration, uid):
    return {"calling": caller, "dialled": dialled, "start": int(end - duration), "answer": int(end - duration + 2),
            "end": int(end), "duration": duration, "billable": duration - 2, "disposition": "answered", "id": uid}


def post(url, token, records):
    request = urllib.request.Request(url, data=json.dumps(records).encode(), method="POST", headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
        return response.status


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")


def start_service(config, log):
    process = subprocess.Popen([binary, "run", "--config", config], stdout=log, stderr=log)
    for _ in range(300):
        text = open(log.name).read()
        if "listening on http://127.0.0.1:" in text:
            port = text.split("listening on http://127.0.0.1:")[1].split("/")[0]
            return process, f"http://127.0.0.1:{port}/v1/cdrs"
        time.sleep(0.1)
    raise SystemExit("the service did not start: " + open(log.name).read())


def main():
    hook = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    workdir_abs = os.path.abspath(workdir)
    folder = os.path.join(workdir_abs, "in")
    os.makedirs(folder, exist_ok=True)
    db = os.path.join(workdir_abs, "service.db")
    token = subprocess.run([binary, "users", "add", "--db", db, "--role", "ingest", "bench"], capture_output=True,
                           text=True, check=True).stdout.split()[-1]
    ranges = os.path.abspath("config/risk-ranges.csv")
    config = os.path.join(workdir, "service.json")
    with open(config, "w") as out:
        json.dump({"store": {"db": db}, "pollSeconds": 0.1,
                   "sources": [{"name": "switch", "folder": folder, "complete": "rename"}, {"name": "sbc"}],
                   "fraud": {"riskRanges": ranges, "reorderSeconds": 2, "quietSeconds": 1,
                             "webhook": f"http://127.0.0.1:{hook.server_port}/alerts"},
                   "server": {"port": 0}}, out)
    log = open(os.path.join(workdir, "service.log"), "w")
    service, url = start_service(config, log)
    rng = random.Random(7)
    sent_file, sent_push = {}, {}
    began = time.time()
    uid = 0
    try:
        for second in range(seconds):
            tick = began + second
            time.sleep(max(0, tick - time.time()))
            now = time.time()
            lines = []
            for _ in range(rate):
                uid += 1
                lines.append(line(f"+4477009{rng.randrange(100000):05d}", f"+4420{rng.randrange(10**8):08d}", now,
                                  rng.randrange(5, 300), uid))
            probe = second % probe_every == 0
            if probe:
                uid += 1
                caller = f"+447400{second:06d}"
                lines.append(line(caller, f"+88213{second:06d}", now, 30, uid))
            path = os.path.join(folder, f"cdr-{second:05d}.csv")
            with open(path + ".tmp", "w") as out:
                out.writelines(lines)
            os.rename(path + ".tmp", path)
            if probe:
                sent_file[caller] = time.time()
                uid += 1
                pushed = f"+447500{second:06d}"
                post(url + "?source=sbc", token, [record(pushed, f"+88213{second + 500000:06d}", time.time(), 30,
                                                         f"p{uid}")])
                sent_push[pushed] = time.time()
        deadline = time.time() + 30
        while time.time() < deadline:
            with lock:
                if all(c in received for c in list(sent_file) + list(sent_push)):
                    break
            time.sleep(0.2)
        elapsed = time.time() - began
        stored = int(subprocess.run(["sqlite3", db, "SELECT count(*) FROM records"], capture_output=True,
                                    text=True).stdout.strip() or 0)
        lag = len([n for n in os.listdir(folder) if n.endswith(".csv")])
        for name, sent in (("file closed -> webhook", sent_file), ("POST answered -> webhook", sent_push)):
            with lock:
                latencies = [received[c] - t for c, t in sent.items() if c in received]
            missing = len(sent) - len(latencies)
            print(f"{name:26s} probes {len(sent):3d}  p50 {percentile(latencies, 50):6.2f} s  "
                  f"p99 {percentile(latencies, 99):6.2f} s  max {max(latencies or [float('nan')]):6.2f} s"
                  f"  missed {missing}")
        print(f"steady input {rate} records/s for {seconds} s: {stored} stored in {elapsed:.0f} s, "
              f"{lag} files still waiting at the end (goal: p99 <= 5 s)")

        records = []
        for index in range(total):
            records.append(record(f"+4478009{index % 90000:05d}", f"+4420{index:08d}", 1790000000 + index, 60,
                                  f"t{index}"))
        chunks = [records[i:i + batch] for i in range(0, total, batch)]
        began = time.time()
        errors = []

        def sender(part):
            for chunk in part:
                try:
                    if post(url + "?source=sbc", token, chunk) != 200:
                        errors.append(1)
                except Exception:
                    errors.append(1)
        threads = [threading.Thread(target=sender, args=(chunks[i::clients],)) for i in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        pushed_rate = total / (time.time() - began)
    finally:
        service.terminate()
        service.wait(timeout=120)
    csv = os.path.join(workdir, "push-baseline.csv")
    with open(csv, "w") as out:
        for r in records:
            out.write(line(r["calling"], r["dialled"], r["end"], r["duration"], int(r["id"][1:])))
    baseline_db = os.path.join(workdir, "baseline.db")
    began = time.time()
    subprocess.run([binary, "ingest", "--db", baseline_db, "--risk-ranges", ranges, csv], capture_output=True,
                   check=True)
    file_rate = total / (time.time() - began)
    print(f"push: {total} records in JSON arrays of {batch}, {clients} senders: {pushed_rate:,.0f} records/s, "
          f"{len(errors)} errors")
    print(f"baseline: cdrpipe ingest of the same records as one CSV file: {file_rate:,.0f} records/s "
          f"(push/file {pushed_rate / file_rate:.2f}; goal >= 0.5)")


main()
