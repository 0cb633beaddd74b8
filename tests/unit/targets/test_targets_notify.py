"""The targets file's notify: section: channels checked with errors that name the path, and
secrets never written in the file."""

from __future__ import annotations

import pytest

from crawler.notify.channels import WECOM_MAX_BYTES, _cut, dingtalk_sign, feishu_sign
from crawler.targets import TargetsError, parse_targets

BASE = """
sites:
  - id: yj
    name: 应急管理局网站
    unit: 应急管理局
    homepage: http://127.0.0.1:8000/
notify:
  base_url: http://127.0.0.1:8080
  channels:
"""


def problems(channels: str) -> list[str]:
    with pytest.raises(TargetsError) as info:
        parse_targets(BASE + channels, source="t.yaml")
    return info.value.problems


def test_channels_of_every_kind() -> None:
    targets = parse_targets(
        BASE
        + """    - {name: office, kind: wecom, url_env: WECOM_URL, units: [应急管理局],
       digest: weekly}
    - {name: ding, kind: dingtalk, url_env: DING_URL, secret_env: DING_SECRET}
    - {name: fs, kind: feishu, url_env: FS_URL, severities: [problem, unknown]}
    - {name: hook, kind: webhook, url: "http://127.0.0.1:9000/hook"}
    - name: mail
      kind: email
      smtp: {host: smtp.example.cn, port: 587, security: starttls, user_env: U, password_env: P}
      from: xunjian@example.cn
      to: [a@example.cn, b@example.cn]
"""
    )
    notify = targets.notify
    assert notify.base_url == "http://127.0.0.1:8080"
    assert [c.name for c in notify.channels] == ["office", "ding", "fs", "hook", "mail"]
    office = notify.channel("office")
    assert (office.units, office.digest, office.severities) == (
        ("应急管理局",),
        "weekly",
        ("problem",),
    )
    assert notify.channel("fs").severities == ("problem", "unknown")
    mail = notify.channel("mail").smtp
    assert mail is not None
    assert (mail.port, mail.security) == (587, "starttls")
    assert mail.recipients == ("a@example.cn", "b@example.cn")
    with pytest.raises(KeyError, match="no channel 'nope'"):
        notify.channel("nope")


MISTAKES = [
    (
        "- {name: w, kind: wecom, url: 'https://qyapi.weixin.qq.com/x?key=1'}",
        "notify.channels[0].url: a wecom robot's URL carries its access token",
    ),
    ("- {name: w, kind: wecom}", "notify.channels[0]: a wecom channel needs url_env"),
    (
        "- {name: w, kind: dingtalk, url_env: 'https://oapi.dingtalk.com/x'}",
        "notify.channels[0].url_env: 'https://oapi.dingtalk.com/x' is not an environment "
        "variable name",
    ),
    (
        "- {name: w, kind: wecom, url_env: W, units: [财政局]}",
        "notify.channels[0].units: '财政局' is the unit of no site or account",
    ),
    (
        "- {name: w, kind: email, to: [a@b.cn]}",
        "notify.channels[0].smtp: an email channel needs smtp",
    ),
    (
        "- {name: w, kind: webhook}",
        "notify.channels[0]: give one of url: URL or url_env: VARIABLE",
    ),
    ("- {name: w, kind: sms, url_env: W}", "notify.channels[0].kind: "),
    (
        "- {name: w, kind: wecom, url_env: W, severities: [bad]}",
        "notify.channels[0].severities[0]: ",
    ),
]


@pytest.mark.parametrize(("channel", "expected"), MISTAKES)
def test_mistakes_name_the_path(channel: str, expected: str) -> None:
    found = problems("    " + channel + "\n")
    assert any(p.startswith(expected) for p in found), found


def test_two_channels_of_one_name() -> None:
    found = problems(
        "    - {name: w, kind: wecom, url_env: A}\n    - {name: w, kind: wecom, url_env: B}\n"
    )
    assert found == ["notify.channels[1].name: duplicate channel name 'w'"]


def test_signatures_match_the_platforms_documented_examples() -> None:
    # The algorithms as DingTalk and Feishu document them, computed independently here.
    import base64
    import hashlib
    import hmac

    ding = base64.b64encode(
        hmac.new(b"SEC1", b"1700000000000\nSEC1", hashlib.sha256).digest()
    ).decode()
    assert dingtalk_sign("SEC1", 1700000000000) == ding
    fs = base64.b64encode(hmac.new(b"1700000000\nSEC1", b"", hashlib.sha256).digest()).decode()
    assert feishu_sign("SEC1", "1700000000") == fs


def test_a_long_wecom_message_is_cut_on_a_line_and_says_so() -> None:
    text = "\n".join(f"- 应急管理局网站·栏目{i}：栏目2周未更新" for i in range(400))
    cut = _cut(text)
    assert len(cut.encode()) <= WECOM_MAX_BYTES
    assert cut.endswith("其余请看巡检看板）")
    assert _cut("短消息") == "短消息"
