"""Posters: a push carries the film's poster where the chain gives one, in each channel's own form
(ntfy X-Attach, a Discord embed thumbnail, a Telegram link preview, a Slack image block, the
webhook's "poster" field); a notifier with poster = false gets the push without it; a chain with no
poster (Megabox) or an odd path sends none."""
from fakes import (FakeCgvApi, FakeDiscord, FakeLotte, FakeMegabox, FakeNtfy, FakeSlack, FakeTelegram,
                   FakeWebhook, lt_showing, mb_showing, showing, ymd)
from harness import expect

CGV_POSTER = "https://img.cgv.co.kr/Movie/Thumbnail/Poster/300007/30000774/30000774_320.jpg"


def every_channel(ntfy, discord, tg, slack, hook):
    return f"""
[[notifier]]
name = "phone"
server = "{ntfy.url}"
topic = "with"
[[notifier]]
name = "plain"
server = "{ntfy.url}"
topic = "without"
poster = false
[[notifier]]
name = "discord"
type = "discord"
webhook_url = "{discord.webhook_url}"
[[notifier]]
name = "tg"
type = "telegram"
bot_token_env = "TG_TOKEN"
chat_id = -1001234567890
api = "{tg.url}"
[[notifier]]
name = "slack"
type = "slack"
webhook_url = "{slack.webhook_url}"
[[notifier]]
name = "hook"
url = "json://{hook.url[len('http://'):]}/in"
"""


def test_every_channel_shows_the_poster_and_poster_false_drops_it(case):
    cgv = case.serve(FakeCgvApi())
    cgv.showings[:] = [showing(ymd(3), "018", 1, "30000774", "아바타: 불과 재", "03", "1900")]
    ntfy, discord, tg = case.serve(FakeNtfy()), case.serve(FakeDiscord()), case.serve(FakeTelegram())
    slack, hook = case.serve(FakeSlack()), case.serve(FakeWebhook())
    cfg = case.write("c.toml", f"""
[cgv]
api = "{cgv.api}"
strategy = "sweep"
[http]
timeout = 3
min_gap = 0
{every_channel(ntfy, discord, tg, slack, hook)}
[[target]]
name = "avatar"
theater = "0013"
screen = "imax"
title = "아바타"
notify = ["phone", "plain", "discord", "tg", "slack", "hook"]
""")
    env = {"TG_TOKEN": tg.token}
    expect(case.run("check", config=cfg, env=env).rc == 0 and ntfy.messages == [], "a silent baseline")
    cgv.showings.append(showing(ymd(4), "018", 1, "30000774", "아바타: 불과 재", "03", "1930"))
    r = case.run("check", "--json", config=cfg, env=env)
    expect(r.rc == 0 and r.json_lines()[0]["poster"] == CGV_POSTER, "check --json names the poster", r)
    by_topic = {m["topic"]: m for m in ntfy.messages}
    expect(by_topic["with"]["attach"] == CGV_POSTER, f"ntfy attaches the poster: {by_topic}")
    expect(by_topic["without"]["attach"] is None, f"poster = false sends none: {by_topic['without']}")
    embed = discord.messages[0]["embeds"][0]
    expect(embed["thumbnail"] == {"url": CGV_POSTER}, f"discord thumbnail: {embed}")
    preview = tg.messages[0]["link_preview_options"]
    expect(preview.get("url") == CGV_POSTER and not preview.get("is_disabled"), f"telegram preview: {preview}")
    images = [b for b in slack.messages[0]["blocks"] if b["type"] == "image"]
    expect(len(images) == 1 and images[0]["image_url"] == CGV_POSTER and images[0]["alt_text"],
           f"slack image block: {slack.messages[0]}")
    expect(hook.messages[0]["poster"] == CGV_POSTER, f"webhook field: {hook.messages[0]}")


def test_lotte_gives_a_poster_megabox_none_and_an_odd_path_is_no_poster(case):
    lotte, megabox, ntfy = case.serve(FakeLotte()), case.serve(FakeMegabox()), case.serve(FakeNtfy())
    lotte.world[:] = [lt_showing(2, "19:00", "23816", "아바타: 불과 재")]
    megabox.world[:] = [mb_showing(2, "19:00", "25012300", "아바타: 불과 재")]
    cgv = case.serve(FakeCgvApi())
    odd = showing(ymd(3), "018", 1, "30000774", "아바타: 불과 재", "03", "1900")
    cgv.showings[:] = [odd]
    cfg = case.write("c.toml", f"""
[cgv]
api = "{cgv.api}"
strategy = "sweep"
[lotte]
api = "{lotte.url}"
[megabox]
api = "{megabox.url}"
[http]
timeout = 3
min_gap = 0
[[notifier]]
name = "phone"
server = "{ntfy.url}"
topic = "p"
[[target]]
name = "lotte"
source = "lotte"
theater = "1016"
screen = "superplex"
[[target]]
name = "megabox"
source = "megabox"
theater = "1351"
screen = "dolby"
[[target]]
name = "cgv"
theater = "0013"
screen = "imax"
""")
    expect(case.run("check", config=cfg).rc == 0 and ntfy.messages == [], "a silent baseline")
    with lotte.lock:
        lotte.world.append(lt_showing(3, "19:00", "23816", "아바타: 불과 재", seq=2))
    with megabox.lock:
        megabox.world.append(mb_showing(3, "19:00", "25012300", "아바타: 불과 재", seq=2))
    # A path that is no image on the site's host: quotes and a climb out of the poster folder.
    cgv.showings.append(dict(showing(ymd(4), "018", 1, "30000774", "아바타: 불과 재", "03", "1930"),
                             physcFilePathnm='/../x" onerror="y.jpg'))
    r = case.run("check", "--json", config=cfg)
    posters = {o["target"]: o.get("poster", "") for o in r.json_lines()}
    expect(r.rc == 0 and posters == {
        "lotte": "https://caching.lottecinema.co.kr/Media/MovieFile/MovieImg/23816.jpg",
        "megabox": "", "cgv": ""}, f"posters as each chain gives them: {posters}", r)
    attached = {m["title"].split(" (")[-1].rstrip(")"): m["attach"] or "" for m in ntfy.messages}
    expect(attached == {"lotte": posters["lotte"], "megabox": "", "cgv": ""}, f"pushes: {attached}")
