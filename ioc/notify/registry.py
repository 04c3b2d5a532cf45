"""Channels by short name, imported only when first used (like pygeoapi's plugin table)."""

from __future__ import annotations

from importlib import import_module
from typing import Final

from ioc.config import Settings
from ioc.notify.base import Notifier

CHANNELS: Final[dict[str, str]] = {
    "mqtt": "ioc.notify.mqtt:MqttNotifier",
    "webhook": "ioc.notify.webhook:WebhookNotifier",
    "email": "ioc.notify.email:EmailNotifier",
}


class UnknownChannelError(KeyError):
    """No channel is registered under this name."""


def load_notifier(name: str, settings: Settings) -> Notifier:
    """A new notifier of channel ``name``, configured from ``settings``."""
    try:
        module_name, class_name = CHANNELS[name].split(":")
    except KeyError:
        raise UnknownChannelError(name) from None
    factory = getattr(import_module(module_name), class_name)
    notifier: Notifier = factory(settings)
    return notifier


class Notifiers:
    """The notifiers of one worker, created lazily and closed together."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._loaded: dict[str, Notifier] = {}

    def get(self, name: str) -> Notifier:
        if name not in self._loaded:
            self._loaded[name] = load_notifier(name, self.settings)
        return self._loaded[name]

    def close(self) -> None:
        for notifier in self._loaded.values():
            notifier.close()
        self._loaded.clear()
