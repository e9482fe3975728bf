"""Fake CGV (legacy RIA and current JSON API) and fake ntfy servers on 127.0.0.1, port 0.

Each server answers from its model (a schedule, a message log) unless a scripted fault is queued
for the path: `server.script(path_prefix, Reply(...), ...)` answers the next requests that match,
in order, then falls back to the model. Every request is recorded for assertions.
Run standalone for manual checks: python3 fakes.py --cgv-port 18080 --ntfy-port 18081
"""
import base64
import datetime
import email.header
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

KST = datetime.timezone(datetime.timedelta(hours=9))


def kst_today():
    return datetime.datetime.now(KST).date()


def ymd(days_from_today):
    return (kst_today() + datetime.timedelta(days=days_from_today)).strftime("%Y%m%d")


class Reply:
    """A scripted answer. delay > 0 sleeps before answering (a hang when longer than the client's timeout).
    truncate=N announces the full Content-Length but sends only N bytes and closes. stall > 0 sends
    the status line and headers, then waits that long before the body (a body slower than the
    client's timeout)."""

    def __init__(self, status=200, body=b"", headers=None, delay=0.0, truncate=None, content_type=None, stall=0.0):
        self.status = status
        self.body = body.encode() if isinstance(body, str) else body
        self.headers = dict(headers or {})
        if content_type:
            self.headers["Content-Type"] = content_type
        self.delay = delay
        self.truncate = truncate
        self.stall = stall


def html_block_page(status=403):
    return Reply(status, "<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title></head>"
                         "<body>Sorry, you have been blocked</body></html>", content_type="text/html; charset=UTF-8")


def rate_limited(retry_after=None):
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
    return Reply(429, "error code: 1015", headers=headers, content_type="text/plain")


class Recorded:
    def __init__(self, method, path, query, headers, body):
        self.method, self.path, self.query, self.headers, self.body = method, path, query, headers, body
        self.at = time.monotonic()

    def header(self, name):
        for k, v in self.headers.items():
            if k.lower() == name.lower():
                return v
        return None


class FakeServer:
    def __init__(self, port=0):
        self.lock = threading.Lock()
        self.requests = []
        self.scripts = []  # [(path_prefix, Reply)]
        self.in_flight = 0
        self.max_in_flight = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes; with Nagle on, the second waits for the
            # client's delayed ACK (40 ms on Linux) and every keep-alive request pays for it.
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def handle_any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                rec = Recorded(self.command, parts.path, parse_qs(parts.query), dict(self.headers.items()), body)
                rec.version = self.request_version
                rec.client = self.client_address
                if parts.path.startswith("/_control/"):
                    outer._send(self, outer.control(parts.path[len("/_control/"):], body))
                    return
                with outer.lock:
                    outer.requests.append(rec)
                    reply = outer._take_script(parts.path)
                    outer.in_flight += 1
                    outer.max_in_flight = max(outer.max_in_flight, outer.in_flight)
                try:
                    if reply is None:
                        reply = outer.answer(rec)
                    outer._send(self, reply)
                finally:
                    with outer.lock:
                        outer.in_flight -= 1

            do_GET = do_POST = handle_any

        # The default listen backlog of 5 drops SYNs when a client opens several connections at
        # once, and each drop costs the client a 1 s retransmit: a fake must not add that.
        def handle_error(server, request, client_address):
            # A client killed mid-request (the crash tests do it on purpose) is not news.
            if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
                ThreadingHTTPServer.handle_error(server, request, client_address)

        server_class = type("Server", (ThreadingHTTPServer,), {"request_queue_size": 128, "handle_error": handle_error})
        self.httpd = server_class(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def _take_script(self, path):
        for i, (prefix, reply) in enumerate(self.scripts):
            if path.startswith(prefix):
                del self.scripts[i]
                return reply
        return None

    def script(self, path_prefix, *replies):
        with self.lock:
            self.scripts.extend((path_prefix, r) for r in replies)

    def _send(self, handler, reply):
        if reply.delay:
            time.sleep(reply.delay)
        try:
            handler.send_response(reply.status)
            headers = {"Content-Type": "application/json; charset=utf-8", **reply.headers}
            for k, v in headers.items():
                handler.send_header(k, v)
            handler.send_header("Content-Length", str(len(reply.body)))
            if reply.truncate is not None:
                handler.send_header("Connection", "close")
            handler.end_headers()
            if reply.stall:
                handler.wfile.flush()
                time.sleep(reply.stall)
            handler.wfile.write(reply.body if reply.truncate is None else reply.body[: reply.truncate])
            handler.wfile.flush()
            if reply.truncate is not None:
                handler.close_connection = True
        except (BrokenPipeError, ConnectionResetError):
            pass

    def control(self, command, body):
        """Out-of-process control for scripts (scripts/bench): count, reset, script JSON replies."""
        if command == "count":
            return Reply(200, json.dumps({"requests": self.count()}))
        if command == "reset":
            with self.lock:
                self.requests.clear()
            return Reply(200, "{}")
        if command == "script":
            spec = json.loads(body)
            self.script(spec.get("path", "/"), *[Reply(r["status"], r.get("body", ""), headers=r.get("headers"),
                                                       content_type=r.get("content_type")) for r in spec["replies"]])
            return Reply(200, "{}")
        return self.control_model(command, body)

    def control_model(self, command, body):
        return Reply(404, '{"error":"unknown control command"}')

    def count(self, path_prefix=""):
        with self.lock:
            return sum(1 for r in self.requests if r.path.startswith(path_prefix))

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def answer(self, rec):
        return Reply(404, '{"error":"not found"}')


def legacy_xml(days, theater="CGV 용산아이파크몰", movie="듄-파트2", screen="아이맥스"):
    play_days = "".join(
        f"<CPlayDay><PLAY_YMD>{d}</PLAY_YMD><FORMAT_DATE>{d[:4]}년{d[4:6]}월{d[6:]}일</FORMAT_DATE></CPlayDay>"
        for d in days)
    return ("<CSchedule><PlayDays>" + play_days + "</PlayDays>"
            "<Movies><CMovie><GROUP_CD>20035290</GROUP_CD><GROUP_NM>" + movie + "</GROUP_NM>"
            "<TICKET_RATE>" + str(time.time() % 100) + "</TICKET_RATE></CMovie></Movies>"
            "<STheaters><CSTheater><THEATER_CD>0013</THEATER_CD><THEATER_NM>" + theater + "</THEATER_NM></CSTheater></STheaters>"
            "<Screen><CScreen><RATING_CD>02</RATING_CD><RATING_NM>" + screen + "</RATING_NM></CScreen></Screen>"
            "</CSchedule>")


class FakeLegacyCgv(FakeServer):
    """POST /CGV2011/RIA/CJ000.aspx/CJ_TICKET_SCHEDULE_TOTAL_PLAY_YMD -> {"d":{"DATA":"<xml>"}}."""
    PATH = "/CGV2011/RIA/CJ000.aspx/CJ_TICKET_SCHEDULE_TOTAL_PLAY_YMD"

    def __init__(self, port=0):
        super().__init__(port)
        self.days = [ymd(1), ymd(2)]
        self.movie = "듄-파트2"
        self.bom = False
        self.nested = False  # d.data.DATA instead of d.DATA
        self.delay = None    # callable -> seconds to wait before each modelled answer

    def answer(self, rec):
        xml = legacy_xml(self.days, movie=self.movie.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
        envelope = {"d": {"data": {"DATA": xml}}} if self.nested else {"d": {"DATA": xml}}
        body = json.dumps(envelope, ensure_ascii=False).encode()
        return Reply(200, (b"\xef\xbb\xbf" if self.bom else b"") + body, delay=self.delay() if self.delay else 0)

    @property
    def endpoint(self):
        return self.url + self.PATH

    def control_model(self, command, body):
        if command == "days":  # {"days": [offsets from today]}
            self.days = [ymd(int(d)) for d in json.loads(body)["days"]]
            return Reply(200, "{}")
        return super().control_model(command, body)


def decode_header(value):
    if value is None:
        return None
    return str(email.header.make_header(email.header.decode_header(value)))


class FakeNtfy(FakeServer):
    """POST /<topic>: stores the message like ntfy and answers with its JSON; GET /<topic>/json?poll=1
    lists them. Bearer tokens are checked when `token` is set (401 / code 40101 otherwise)."""

    def __init__(self, port=0, token=None):
        super().__init__(port)
        self.token = token
        self.messages = []
        self.counter = 0
        self.basic = None        # (user, password) required when set
        self.hang_after_store = 0.0  # seconds to stall after storing, before answering
        self.delay = None            # callable -> seconds to wait before storing (a slow server)

    def answer(self, rec):
        m = re.fullmatch(r"/([-_A-Za-z0-9]{1,64})/json", rec.path)
        if rec.method == "GET" and m:
            lines = [json.dumps(x, ensure_ascii=False) for x in self.messages if x["topic"] == m.group(1)]
            return Reply(200, "\n".join(lines) + "\n", content_type="application/x-ndjson")
        if rec.method == "GET" and rec.path == "/v1/health":
            return Reply(200, '{"healthy":true}')
        if rec.method == "GET" and rec.path == "/metrics":
            return Reply(200, "# HELP ntfy_subscribers_total Number of active subscribers\n# TYPE ntfy_subscribers_total gauge\n"
                              "ntfy_subscribers_total 3\n# TYPE ntfy_visitors_total gauge\nntfy_visitors_total 5\n",
                         content_type="text/plain; version=0.0.4")
        m = re.fullmatch(r"/([-_A-Za-z0-9]{1,64})", rec.path)
        if rec.method != "POST" or not m:
            return Reply(404, '{"code":40401,"http":404,"error":"page not found"}')
        if self.basic:
            expected = "Basic " + base64.b64encode(f"{self.basic[0]}:{self.basic[1]}".encode()).decode()
            if rec.header("Authorization") != expected:
                return Reply(401, '{"code":40101,"http":401,"error":"unauthorized"}')
        if self.token and rec.header("Authorization") != f"Bearer {self.token}":
            return Reply(401, '{"code":40101,"http":401,"error":"unauthorized","link":"https://ntfy.sh/docs/publish/#authentication"}')
        if len(rec.body) > 4096:
            return Reply(413, '{"code":41301,"http":413,"error":"too large"}')
        if self.delay:
            time.sleep(self.delay())
        try:
            text = rec.body.decode("utf-8")
        except UnicodeDecodeError:
            return Reply(400, '{"code":40014,"http":400,"error":"invalid UTF-8"}')
        with self.lock:
            self.counter += 1
            msg = {
                "id": f"msg{self.counter:09d}", "time": int(time.time()), "event": "message",
                "topic": m.group(1), "message": text,
                "title": decode_header(rec.header("X-Title")),
                "priority": rec.header("X-Priority"),
                "tags": decode_header(rec.header("X-Tags")),
                "click": decode_header(rec.header("X-Click")),
                "actions": decode_header(rec.header("X-Actions")),
                "sequence_id": rec.header("X-Sequence-ID"),
                "authorization": rec.header("Authorization"),
                "markdown": rec.header("X-Markdown"),
                "icon": rec.header("X-Icon"),
                "attach": decode_header(rec.header("X-Attach")),
            }
            self.messages.append(msg)
        hang = self.hang_after_store() if callable(self.hang_after_store) else self.hang_after_store
        if hang:
            time.sleep(hang)
        return Reply(200, json.dumps({k: msg[k] for k in ("id", "time", "event", "topic", "message")}, ensure_ascii=False))


class FakePing(FakeServer):
    """A healthchecks.io-like endpoint: answers OK to everything and records it."""

    def answer(self, rec):
        return Reply(200, "OK", content_type="text/plain")


class FakeDiscord(FakeServer):
    """POST /api/webhooks/<id>/<token>?wait=true: stores the embed and answers like Discord."""

    def __init__(self, port=0, webhook_id="123456", token="s3cr3t-webhook-token"):
        super().__init__(port)
        self.webhook_id, self.token = webhook_id, token
        self.messages = []

    @property
    def webhook_url(self):
        return f"{self.url}/api/webhooks/{self.webhook_id}/{self.token}"

    def answer(self, rec):
        if rec.path != f"/api/webhooks/{self.webhook_id}/{self.token}":
            return Reply(404, '{"message": "Unknown Webhook", "code": 10015}')
        if not rec.header("User-Agent"):
            return Reply(400, '{"message": "User-Agent required"}')
        body = json.loads(rec.body)
        with self.lock:
            self.messages.append(body)
            n = len(self.messages)
        return Reply(200, json.dumps({"id": f"11{n:08d}", "channel_id": "1", "embeds": body.get("embeds", [])}))


TELEGRAM_TAGS = re.compile(r"</?(b|strong|i|em|u|ins|s|strike|del|code|pre|blockquote|tg-spoiler)>|<a href=\"[^\"<>]*\">|</a>")


def telegram_error(code, description, **parameters):
    body = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return Reply(code, json.dumps(body))


class FakeTelegram(FakeServer):
    """POST /bot<token>/sendMessage like the Bot API: checks the token, the chat, the HTML (only
    Telegram's tags, & < > escaped elsewhere) and the 4096 UTF-16 unit limit after entities."""

    def __init__(self, port=0, token="123456789:AAE-fakeTelegramToken_0123456789"):
        super().__init__(port)
        self.token = token
        self.chats = {"-1001234567890", "@alimi_alerts", "5550001"}
        self.blocked = set()  # chats whose user blocked the bot
        self.messages = []

    def answer(self, rec):
        if rec.method != "POST" or not rec.path.lower().endswith("/sendmessage"):
            return telegram_error(404, "Not Found")
        if rec.path != f"/bot{self.token}/sendMessage":
            return telegram_error(401, "Unauthorized")
        try:
            body = json.loads(rec.body)
        except ValueError:
            return telegram_error(400, "Bad Request: message text is empty")
        chat = str(body.get("chat_id"))
        if chat not in self.chats:
            return telegram_error(400, "Bad Request: chat not found")
        if chat in self.blocked:
            return telegram_error(403, "Forbidden: bot was blocked by the user")
        preview = body.get("link_preview_options", {})
        if not isinstance(preview, dict) or not isinstance(preview.get("url", ""), str):
            return telegram_error(400, "Bad Request: can't parse link preview options")
        text = body.get("text", "")
        plain = TELEGRAM_TAGS.sub("", text)
        if "<" in plain or ">" in plain or re.search(r"&(?!(amp|lt|gt|quot|#[0-9]+);)", plain):
            return telegram_error(400, "Bad Request: can't parse entities: Unsupported start tag")
        plain = plain.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
        if len(plain.encode("utf-16-le")) // 2 > 4096:
            return telegram_error(400, "Bad Request: message is too long")
        with self.lock:
            self.messages.append(body)
            n = len(self.messages)
        return Reply(200, json.dumps({"ok": True, "result": {"message_id": 1000 + n, "chat": {"id": chat}, "text": plain}}))


class FakeSlack(FakeServer):
    """POST /services/T/B/X like an incoming webhook: the body "ok", or Slack's plain-text errors."""

    def __init__(self, port=0, path="/services/T0001/B0001/XXXXfakeSlackSecret"):
        super().__init__(port)
        self.path = path
        self.messages = []

    @property
    def webhook_url(self):
        return self.url + self.path

    def answer(self, rec):
        if rec.path != self.path:
            return Reply(404, "no_service", content_type="text/html")
        try:
            body = json.loads(rec.body)
        except ValueError:
            return Reply(400, "invalid_payload", content_type="text/html")
        if not isinstance(body, dict) or not body.get("text"):
            return Reply(400, "invalid_payload", content_type="text/html")
        for block in body.get("blocks", []):
            if block.get("type") == "section" and len(block["text"]["text"]) > 3000:
                return Reply(400, "invalid_blocks", content_type="text/html")
            if block.get("type") == "image" and not (
                    str(block.get("image_url", "")).startswith(("http://", "https://")) and
                    0 < len(block.get("alt_text", "")) <= 2000):
                return Reply(400, "invalid_blocks", content_type="text/html")
        with self.lock:
            self.messages.append(body)
        return Reply(200, "ok", content_type="text/html")


class FakeWebhook(FakeServer):
    """Any JSON endpoint (Home Assistant, n8n): records what it is sent, answers 200 {}."""

    def __init__(self, port=0):
        super().__init__(port)
        self.messages = []

    def answer(self, rec):
        with self.lock:
            self.messages.append(json.loads(rec.body))
        return Reply(200, "{}")


ATTR_TO_GRADE = {"04": "03", "03": "02", "08": "04", "06": "07"}


def showing(date, hall, seq, mov_no, mov_nm, grade, start, free=100, total=100, site="0013",
            site_nm="CGV 용산아이파크몰", hall_nm=None):
    """One row of booking/searchMovScnInfo as the site sends it (numbers as strings)."""
    end = f"{(int(start[:2]) + 2):02d}{start[2:]}"
    return {"siteNo": site, "siteNm": site_nm, "scnYmd": date, "scnsNo": hall, "scnSseq": str(seq),
            "scnsNm": hall_nm or ("IMAX관" if grade == "03" else f"{int(hall)}관"),
            "expoScnsNm": hall_nm or ("IMAX관" if grade == "03" else f"{int(hall)}관"),
            "movNo": mov_no, "movNm": mov_nm, "expoProdNm": f"{mov_nm} (IMAX LASER 2D)",
            "movkndDsplNm": "IMAX LASER 2D" if grade == "03" else "2D", "tcscnsGradCd": grade,
            "scnsrtTm": start, "scnendTm": end, "frSeatCnt": str(free), "stcnt": str(total),
            # The site's poster path, joined to its image host (cgv-api.md section 4).
            "physcFilePathnm": f"/Movie/Thumbnail/Poster/{mov_no[:6]}/{mov_no}/{mov_no}_320.jpg"}


class FakeCgvApi(FakeServer):
    """The current site's /api/v1 answered from one model: `showings` (rows as above), `extra_dates`
    (open dates without showings) and `movies` (the national bookable list)."""

    def __init__(self, port=0):
        super().__init__(port)
        self.showings = []
        self.extra_dates = set()
        self.movies = [{"movNo": "30000774", "movNm": "아바타: 불과 재", "atktRate": "31.2", "cratgClsCd": "02"},
                       {"movNo": "30000801", "movNm": "주토피아 2", "atktRate": "12.0", "cratgClsCd": "01"}]
        # The lists name theaters without the chain (용산아이파크몰); some showing rows say
        # "CGV 용산아이파크몰" (cgv-api.md section 3): alimi must rely on neither.
        self.sites = [("서울", "0013", "용산아이파크몰"), ("서울", "0056", "강남"),
                      ("경기", "0211", "광교"), ("서울", "P013", "용산아이파크몰 별관")]
        self.legacy_sites_only = False  # searchRegnList fails: discovery must fall back
        self.raw_bytes = {}  # text in a row -> the bytes sent instead (e.g. invalid UTF-8)
        # Day pages that lag behind the lists: the rows they show (None: `showings`), and dates
        # whose page answers `data []` for now.
        self.page_showings = None
        self.blank_dates = set()

    @property
    def api(self):
        return self.url + "/api/v1"

    def ok(self, data):
        body = json.dumps({"statusCode": 0, "statusMessage": "조회 되었습니다.", "data": data}, ensure_ascii=False).encode()
        for text, raw in self.raw_bytes.items():
            body = body.replace(text.encode(), raw)
        return Reply(200, body)

    def answer(self, rec):
        q = {k: v[0] for k, v in rec.query.items()}
        if q.get("coCd") != "A420":
            return Reply(200, json.dumps({"statusCode": 9001, "statusMessage": "coCd 누락", "data": None}, ensure_ascii=False))
        name = rec.path.removeprefix("/api/v1/")
        site = q.get("siteNo")
        if name == "booking/searchSiteScnscYmdListByMov":
            grade = ATTR_TO_GRADE.get(q.get("attrCd", ""))
            days = sorted({s["scnYmd"] for s in self.showings if s["siteNo"] == site and s["movNo"] == q.get("movNo")
                           and (grade is None or s["tcscnsGradCd"] == grade)})
            return self.ok([{"scnYmd": d, "hldyYn": "N"} for d in days])  # no names: real rows carry none
        if name == "booking/searchSiteScnscYmdListBySite":
            days = sorted({s["scnYmd"] for s in self.showings if s["siteNo"] == site} | self.extra_dates)
            return self.ok([{"scnYmd": d, "hldyYn": "N"} for d in days])
        if name in ("booking/searchMovScnInfo", "booking/searchSchByMov") and not q.get("rtctlScopCd"):
            return Reply(400, json.dumps({"statusCode": 400, "statusMessage": "발매통제범위코드는 필수 요청 파라미터 입니다.",
                                          "data": [{"rejectField": "rtctlScopCd"}]}, ensure_ascii=False))
        if name in ("booking/searchMovScnInfo", "booking/searchSchByMov"):
            # Asking for 0013 also returns the sibling venue P013 in the same building.
            sites = {site, "P" + site[1:]} if site else set()
            if q.get("scnYmd") in self.blank_dates:
                return self.ok([])
            pages = self.showings if self.page_showings is None else self.page_showings
            rows = [s for s in pages if s["siteNo"] in sites and s["scnYmd"] == q.get("scnYmd")
                    and (name == "booking/searchMovScnInfo" or s["movNo"] == q.get("movNo"))]
            return self.ok(rows)
        if name == "booking/searchSscnsSchdExistList":
            grades = {}
            for s in self.showings:
                if s["siteNo"] == site and s["scnYmd"] == q.get("scnYmd") and s["tcscnsGradCd"] != "01":
                    grades.setdefault(s["tcscnsGradCd"], set()).add(s["movNo"])
            return self.ok([{"comCd": "TCSCNS_GRAD_CD", "comCdval": g, "schdCnt": str(len(m))} for g, m in sorted(grades.items())])
        if name == "booking/searchAtktTopPostrList":
            # With a hall filter: the movies with a showing in that hall type anywhere.
            grade = ATTR_TO_GRADE.get(q.get("attrCd", ""))
            shown = {s["movNo"] for s in self.showings if s["tcscnsGradCd"] == grade}
            return self.ok([m for m in self.movies if grade is None or m["movNo"] in shown])
        if name == "booking/searchRegnList":
            if self.legacy_sites_only:
                return Reply(500, "oops", content_type="text/plain")
            regions = {}
            for region, code, nm in self.sites:
                regions.setdefault(region, []).append({"siteNo": code, "siteNm": nm, "bzplcOperStusNm": "영업"})
            return self.ok([{"regnGrpCd": str(i), "regnGrpNm": r, "siteList": s} for i, (r, s) in enumerate(regions.items())])
        if name == "content/site/searchAllRegionAndSite":
            codes = {r: f"{i + 1:02d}" for i, r in enumerate(dict.fromkeys(r for r, _, _ in self.sites))}
            return self.ok({"regionInfo": [{"comCdval": c, "comCdvalNm": r, "cnt": "1"} for r, c in codes.items()],
                            "siteInfo": [{"regnGrpCd": codes[r], "siteNo": c, "siteNm": n} for r, c, n in self.sites]})
        return Reply(404, "<html><body>Not Found</body></html>", content_type="text/html")


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description="Run the fake servers until interrupted.")
    ap.add_argument("--cgv-port", type=int, default=18080)
    ap.add_argument("--ntfy-port", type=int, default=18081)
    ap.add_argument("--api-port", type=int, default=18082)
    ap.add_argument("--days", default="1,2", help="legacy play days, as offsets from today (KST)")
    ap.add_argument("--theaters", type=int, default=200, help="current API: theaters playing movie 30000774")
    a = ap.parse_args()
    cgv = FakeLegacyCgv(a.cgv_port)
    cgv.days = [ymd(int(x)) for x in a.days.split(",") if x]
    ntfy = FakeNtfy(a.ntfy_port)
    api = FakeCgvApi(a.api_port)
    for t in range(a.theaters):
        for d in (1, 2, 3):
            api.showings.append(showing(ymd(d), "018", 1, "30000774", "아바타: 불과 재", "03", "1000", site=f"{t:04d}"))
    print(f"legacy CGV: {cgv.endpoint}\ncurrent API: {api.api}\nntfy: {ntfy.url}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


def html_refs(text):
    """Megabox writes some characters of names as numeric references: ( ) : become &#40; &#41; &#58;."""
    return text.replace("(", "&#40;").replace(")", "&#41;").replace(":", "&#58;")


def mb_showing(day, start, movie_no, movie_nm, kind="DBC", hall="Dolby Cinema(MX4D)", branch="1351",
               seq=1, rest=300, total=324, bookable="Y"):
    """One showing of the Megabox world; the fake renders it as a movieFormList row."""
    return {"day": day, "start": start, "movie_no": movie_no, "movie_nm": movie_nm, "kind": kind,
            "hall": hall, "branch": branch, "seq": seq, "rest": rest, "total": total, "bookable": bookable}


class FakeMegabox(FakeServer):
    """POST /on/oh/ohb/SimpleBooking/selectBokdList.do (JSON body) like the site: a BOM, the branch's
    date strip, the asked day's rows, every branch and the movie list, all from one world of
    showings. `upcoming` are films announced but not on sale (no showing yet): the movie list names
    them "상영예정", films with a showing "상영중". `throttle` answers the plain-text "Workload is so
    high" with HTTP 200."""
    PATH = "/on/oh/ohb/SimpleBooking/selectBokdList.do"
    BRANCHES = [("1351", "코엑스", "서울"), ("0019", "남양주현대아울렛 스페이스원", "경기"), ("1372", "강남", "서울")]

    def __init__(self, port=0):
        super().__init__(port)
        self.world = [mb_showing(1, "10:00", "26018900", "아바타: 불과 재"),
                      mb_showing(2, "15:50", "26018900", "아바타: 불과 재", seq=2),
                      mb_showing(2, "12:00", "26020100", "위키드", kind="NOR", hall="3관")]
        self.upcoming = {"26031100": "듄: 파트3"}
        self.throttle = False

    def row(self, s):
        day = ymd(s["day"])
        name = dict((b, n) for b, n, _ in self.BRANCHES)[s["branch"]]
        return {"areaCd": "10", "brchNo": s["branch"], "brchNm": name,
                "playSchdlNo": f"{day[2:]}{s['branch']}{s['seq']:03}", "theabNo": "03",
                "theabExpoNm": html_refs(s["hall"]), "theabKindCd": s["kind"], "playDe": day,
                "playStartTime": s["start"], "movieNm": html_refs(s["movie_nm"]), "movieNo": s["movie_no"],
                "rpstMovieNo": s["movie_no"], "restSeatCnt": s["rest"], "totSeatCnt": s["total"],
                "bokdAbleAt": s["bookable"]}

    def answer(self, rec):
        if rec.method != "POST" or rec.path != self.PATH:
            return Reply(404, "<html>404</html>", content_type="text/html")
        if self.throttle:
            return Reply(200, "Workload is so high", content_type="text/html;charset=UTF-8")
        ask = json.loads(rec.body)
        branch, day = ask.get("brchNo1", ""), ask.get("playDe", "")
        with self.lock:
            mine = [s for s in self.world if s["branch"] == branch]
            days = sorted({ymd(s["day"]) for s in mine})
            rows = [self.row(s) for s in mine if ymd(s["day"]) == day]
            movies = {s["movie_no"]: (s["movie_nm"], "상영중") for s in self.world}
            for k, v in self.upcoming.items():
                movies.setdefault(k, (v, "상영예정"))
        strip = [{"playDe": d, "formAt": "Y"} for d in days] + [{"playDe": ymd(40), "formAt": "N"}]
        body = {"statCd": 0, "msg": "정상적으로 조회되었습니다.", "movieFormDeList": strip, "movieFormList": rows,
                "areaBrchList": [{"areaCd": "10", "areaCdNm": a, "brchNo": b, "brchNm": n, "brchFormAt": "Y"}
                                 for b, n, a in self.BRANCHES],
                "movieList": [{"movieNo": k, "movieNm": html_refs(v), "movieStatCdNm": st}
                              for k, (v, st) in movies.items()]}
        return Reply(200, b"\xef\xbb\xbf" + json.dumps(body, ensure_ascii=False).encode(),
                     content_type="application/json;charset=UTF-8")


def lt_showing(day, start, movie_code, movie_nm, division=940, division_nm="수퍼플렉스", screen_id=101621,
               screen_nm="21관", cinema=1016, seq=1, free=480, total=500, booking="Y"):
    """One showing of the Lotte world; the fake renders it as a PlaySeqs row."""
    return {"day": day, "start": start, "movie_code": movie_code, "movie_nm": movie_nm, "division": division,
            "division_nm": division_nm, "screen_id": screen_id, "screen_nm": screen_nm, "cinema": cinema,
            "seq": seq, "free": free, "total": total, "booking": booking}


class FakeLotte(FakeServer):
    """POST /LCWS/Ticketing/TicketingData.aspx with a paramList form field holding JSON, like the
    site: GetTicketingPageTOBE (play dates, cinemas with the special-hall grouping repeated under
    DivisionCode 2, movies) and GetPlaySequence (one cinema's day, which needs the composite id)."""
    PATH = "/LCWS/Ticketing/TicketingData.aspx"
    CINEMAS = [(1, "0001", 1016, "월드타워"), (2, "0940", 1016, "월드타워"), (1, "0001", 1013, "가산디지털"),
               (1, "0002", 3021, "수원")]
    AREAS = {"0001": "서울", "0002": "경기"}

    def __init__(self, port=0):
        super().__init__(port)
        self.world = [lt_showing(1, "10:00", "23816", "아바타: 불과 재"),
                      lt_showing(2, "21:25", "23816", "아바타: 불과 재", seq=3),
                      lt_showing(2, "11:00", "23900", "위키드", division=100, division_nm="일반", screen_id=101601,
                                 screen_nm="1관")]

    def answer(self, rec):
        if rec.method != "POST" or rec.path != self.PATH:
            return Reply(404, "<html>404</html>", content_type="text/html")
        form = parse_qs(rec.body.decode("utf-8"))
        params = json.loads((form.get("paramList") or form.get("ParamList") or ["{}"])[0])
        method = params.get("MethodName")
        if method == "GetTicketingPageTOBE":
            return Reply(200, json.dumps(self.ticketing_page(), ensure_ascii=False))
        if method == "GetPlaySequence":
            return Reply(200, json.dumps(self.play_sequence(params), ensure_ascii=False))
        return Reply(200, json.dumps({"IsOK": "false", "ResultMessage": f"unknown method {method}"}))

    def ticketing_page(self):
        with self.lock:
            days = sorted({s["day"] for s in self.world})
            movies = {s["movie_code"]: s["movie_nm"] for s in self.world}
        dates = [{"PlayDate": f"{ymd(d)[:4]}-{ymd(d)[4:6]}-{ymd(d)[6:]}", "IsPlayDate": "Y"} for d in days]
        return {"IsOK": "true", "ResultMessage": "SUCCESS", "ResultCode": None,
                "MoviePlayDates": {"Items": {"Items": dates, "ItemCount": len(dates)}},
                "CinemaDivison": {"AreaDivisions": {"Items": [{"DetailDivisionCode": k, "GroupNameKR": v}
                                                               for k, v in self.AREAS.items()]}},
                "Cinemas": {"Cinemas": {"Items": [{"DivisionCode": a, "DetailDivisionCode": b, "CinemaID": c,
                                                   "CinemaNameKR": n} for a, b, c, n in self.CINEMAS]}},
                "Movies": {"Movies": {"Items": [{"RepresentationMovieCode": k, "MovieNameKR": v}
                                                for k, v in movies.items()]}}}

    def play_sequence(self, params):
        composite = params.get("cinemaID", "")
        if composite.count("|") != 2:  # the bare ID fails on the real site
            return {"IsOK": "false", "ResultMessage": "잘못된 영화관 정보입니다."}
        cinema = int(composite.split("|")[2])
        day = params.get("playDate", "")
        with self.lock:
            rows = [s for s in self.world if s["cinema"] == cinema and
                    f"{ymd(s['day'])[:4]}-{ymd(s['day'])[4:6]}-{ymd(s['day'])[6:]}" == day]
        names = {c: n for _, _, c, n in self.CINEMAS}
        items = [{"CinemaID": s["cinema"], "CinemaNameKR": names[s["cinema"]], "MovieNameKR": s["movie_nm"],
                  "RepresentationMovieCode": s["movie_code"], "MovieCode": s["movie_code"], "PlayDt": day,
                  "ScreenID": s["screen_id"], "ScreenNameKR": s["screen_nm"], "ScreenDivisionCode": s["division"],
                  "ScreenDivisionNameKR": s["division_nm"], "PlaySequence": s["seq"], "StartTime": s["start"],
                  "TotalSeatCount": s["total"], "BookingSeatCount": s["free"], "IsBookingYN": s["booking"],
                  "PosterURL": f"https://caching.lottecinema.co.kr/Media/MovieFile/MovieImg/{s['movie_code']}.jpg"}
                 for s in rows]
        return {"IsOK": "true", "ResultMessage": "SUCCESS", "PlaySeqsHeader": {"Items": []},
                "PlaySeqs": {"Items": items, "ItemCount": len(items)}}
