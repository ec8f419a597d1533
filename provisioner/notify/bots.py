"""Each group bot's wire format: message shape, signature, size limit and answers.

What each platform documents, and what these follow:

- DingTalk custom robot (自定义机器人), https://open.dingtalk.com/document/robots/custom-robot-access
  and .../customize-robot-security-settings: POST JSON to the webhook
  (`https://oapi.dingtalk.com/robot/send?access_token=…`). 加签: `timestamp` (milliseconds) and
  `sign` = urlencode(base64(HmacSHA256(key=secret, msg="{timestamp}\\n{secret}"))) are added to
  the query string; the timestamp must be within an hour. Answer `{"errcode": 0, "errmsg": "ok"}`;
  310000 for a bad signature or timestamp, 300001 for an unknown token, 460101 "message too long,
  exceed 20000 bytes" (the body limit), 130101 when over 20 messages a minute.
- Feishu custom bot (自定义机器人), https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot:
  POST JSON to `https://open.feishu.cn/open-apis/bot/v2/hook/…`. 签名校验: `timestamp` (seconds,
  a string) and `sign` = base64(HmacSHA256(key="{timestamp}\\n{secret}", msg="")) go in the JSON
  body. "请求体的数据大小不能超过 20 KB". Answer `{"code": 0, "msg": "success", "data": {}}`; 19021 for a
  bad signature, 9499 "Bad Request" for a malformed or oversized body, 11232 when throttled.
- WeCom group robot (群机器人), https://developer.work.weixin.qq.com/document/path/91770: POST JSON
  to `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`; no signature (the key is the
  credential). markdown `content` "最长不超过4096个字节，必须是utf8编码". Answer
  `{"errcode": 0, "errmsg": "ok"}`; 40058 when the content is too long, 93000 for a bad key,
  45009 when over 20 messages a minute.

A message that does not fit is split into several (at most MAX_MESSAGES, all bots allow 20 a
minute); what still does not fit is summarised one line per task.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from provisioner.notify.message import Block, Message, text

MAX_MESSAGES = 5
Clock = Callable[[], float]


@dataclass(frozen=True)
class Request:
    """One POST: the URL (it holds the bot's token and maybe a signature: never shown) and body."""

    url: str
    body: bytes


@dataclass(frozen=True)
class Part:
    """One message as sent: its title and the lines of each section."""

    title: str
    sections: tuple[tuple[str, tuple[str, ...]], ...]  # (heading, lines); heading "" for none


class Bot(ABC):
    """One platform's group bot."""

    name: ClassVar[str]
    limit: ClassVar[int]  # bytes, of what `measured` returns

    def __init__(self, webhook: str, secret: str | None, clock: Clock = time.time) -> None:
        self.webhook = webhook
        self.secret = secret
        self.clock = clock

    def __repr__(self) -> str:
        return f"{type(self).__name__}(webhook='***')"

    @abstractmethod
    def payload(self, part: Part) -> dict[str, object]:
        """The JSON body for one part, before any signature."""

    def measured(self, part: Part) -> int:
        """The size the platform's limit applies to (by default the whole body)."""
        return len(_json(self.payload(part)))

    def request(self, part: Part) -> Request:
        """The signed request; signed when it is built, so a retry is signed afresh."""
        return Request(self.webhook, _json(self.payload(part)))

    @abstractmethod
    def failure(self, status: int, body: bytes) -> str | None:
        """None when the platform accepted the message, else what it said (no secret in it)."""

    def retryable(self, status: int, body: bytes) -> bool:
        return status >= 500 or status == 429

    def requests(self, message: Message) -> list[Request]:
        return [self.request(part) for part in self.parts(message)]

    def parts(self, message: Message) -> list[Part]:
        """`message` split into parts that each fit the limit, at most MAX_MESSAGES of them."""
        return Packer(self, message).parts()


class Packer:
    """Greedy packing of blocks into parts under a bot's limit."""

    def __init__(self, bot: Bot, message: Message) -> None:
        self.bot = bot
        self.message = message

    def fits(self, part: Part) -> bool:
        return self.bot.measured(part) <= self.bot.limit

    def part(self, sections: list[tuple[str, tuple[str, ...]]], index: int, total: int) -> Part:
        title = self.message.title + (f" ({index}/{total})" if total > 1 else "")
        intro = ("", (self.message.intro,)) if index == 1 else None
        footer = ("", (self.message.footer,))
        return Part(title, tuple(s for s in (intro, *sections, footer) if s is not None))

    def parts(self) -> list[Part]:
        groups: list[list[tuple[str, tuple[str, ...]]]] = [[]]
        for block in self.message.blocks:
            section = self._fitting(block, len(groups))
            if not self.fits(self.part([*groups[-1], section], len(groups), 99)) and groups[-1]:
                groups.append([])
            groups[-1].append(section)
        if len(groups) > MAX_MESSAGES:
            groups = self._summarised(groups)
        total = len(groups)
        return [self.part(group, index, total) for index, group in enumerate(groups, 1)]

    def _fitting(self, block: Block, index: int) -> tuple[str, tuple[str, ...]]:
        """The block, or a shorter form of it when even alone it would not fit."""
        whole = (block.heading, block.lines)
        if self.fits(self.part([whole], index, 99)):
            return whole
        language = self.message.language
        steps_at = next(
            (i for i, line in enumerate(block.lines) if line == text(language, "steps")), None
        )
        if steps_at is not None:
            shorter = (
                block.heading,
                (*block.lines[:steps_at], text(language, "long"), block.lines[-1]),
            )
            if self.fits(self.part([shorter], index, 99)):
                return shorter
        return (block.heading, (block.short,))

    def _summarised(
        self, groups: list[list[tuple[str, tuple[str, ...]]]]
    ) -> list[list[tuple[str, tuple[str, ...]]]]:
        kept = groups[: MAX_MESSAGES - 1]
        rest = list(self.message.blocks)[sum(len(group) for group in kept) :]
        language = self.message.language
        lines: list[str] = []
        for shown, block in enumerate(rest):
            candidate = (text(language, "more", count=len(rest)), (*lines, block.short))
            if not self.fits(self.part([candidate], MAX_MESSAGES, MAX_MESSAGES)):
                lines.append(f"… +{len(rest) - shown}")
                break
            lines.append(block.short)
        return [*kept, [(text(language, "more", count=len(rest)), tuple(lines))]]


def _json(payload: dict[str, object]) -> bytes:
    # Compact and not ASCII-escaped: the size measured is the size sent (an escaped Chinese
    # character would take 6 bytes instead of 3).
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _markdown(part: Part, line_break: str) -> str:
    chunks = [f"### {part.title}"]
    for heading, lines in part.sections:
        body = line_break.join(lines)
        chunks.append(f"#### {heading}{line_break}{body}" if heading else body)
    return "\n\n".join(chunks)


def _hmac_b64(key: str, message: str) -> str:
    digest = hmac.new(key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def _errcode(body: bytes) -> tuple[object, str]:
    try:
        data = json.loads(body)
    except ValueError:
        return None, ""
    if not isinstance(data, dict):
        return None, ""
    code = data.get("errcode", data.get("code", data.get("StatusCode")))
    message = data.get("errmsg", data.get("msg", data.get("StatusMessage", "")))
    return code, str(message)


def _verdict(status: int, body: bytes) -> str | None:
    code, message = _errcode(body)
    if status == 200 and code == 0:
        return None
    if code is None:
        return f"HTTP {status}, not the bot's answer"
    return f"error {code}: {message}" if message else f"error {code}"


class DingTalk(Bot):
    name = "dingtalk"
    limit = 20000

    def payload(self, part: Part) -> dict[str, object]:
        # DingTalk's markdown needs a hard break ("  \n") for a new line inside a paragraph.
        return {
            "msgtype": "markdown",
            "markdown": {"title": part.title, "text": _markdown(part, "  \n")},
        }

    def request(self, part: Part) -> Request:
        url = self.webhook
        if self.secret:
            timestamp = str(int(self.clock() * 1000))
            sign = _hmac_b64(self.secret, f"{timestamp}\n{self.secret}")
            url = _with_query(url, {"timestamp": timestamp, "sign": sign})
        return Request(url, _json(self.payload(part)))

    def failure(self, status: int, body: bytes) -> str | None:
        return _verdict(status, body)


class Feishu(Bot):
    name = "feishu"
    limit = 20000  # "20 KB"; kept under 20,000 bytes whichever KB is meant

    def payload(self, part: Part) -> dict[str, object]:
        lines = [part.title]
        for heading, body in part.sections:
            lines.append("")
            if heading:
                lines.append(f"【{heading}】")
            lines += body
        return {"msg_type": "text", "content": {"text": "\n".join(lines)}}

    def measured(self, part: Part) -> int:
        # The signature fields count too: measure the body as it will be sent.
        return len(_json(self._signed(self.payload(part), "0000000000")))

    def request(self, part: Part) -> Request:
        return Request(
            self.webhook, _json(self._signed(self.payload(part), str(int(self.clock()))))
        )

    def _signed(self, payload: dict[str, object], timestamp: str) -> dict[str, object]:
        if not self.secret:
            return payload
        sign = _hmac_b64(f"{timestamp}\n{self.secret}", "")
        return {"timestamp": timestamp, "sign": sign, **payload}

    def failure(self, status: int, body: bytes) -> str | None:
        return _verdict(status, body)

    def retryable(self, status: int, body: bytes) -> bool:
        return super().retryable(status, body) or _errcode(body)[0] == 11232


class WeCom(Bot):
    name = "wecom"
    limit = 4096

    def payload(self, part: Part) -> dict[str, object]:
        return {"msgtype": "markdown", "markdown": {"content": _markdown(part, "\n")}}

    def measured(self, part: Part) -> int:
        return len(_markdown(part, "\n").encode("utf-8"))

    def failure(self, status: int, body: bytes) -> str | None:
        return _verdict(status, body)


BOTS: dict[str, type[Bot]] = {bot.name: bot for bot in (DingTalk, Feishu, WeCom)}


def _with_query(url: str, extra: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query, keep_blank_values=True), *extra.items()]
    return urlunsplit(parts._replace(query=urlencode(query)))
