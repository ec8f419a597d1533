"""Telling the team's group chat about manual work: DingTalk, Feishu and WeCom group bots.

`message` composes what to say (pure), `bots` turns it into each platform's signed requests
within its size limit and reads its answers, `webhook` is the one place here that speaks HTTP,
`send` puts them together. A bot that cannot be reached never fails the command that notifies:
the caller gets one warning line per bot, with no webhook URL or secret in it.
"""
