"""Notifications: one :class:`~ioc.notify.base.Notifier` interface, channels by short name
(``mqtt``, ``webhook``, ``email``), subscriptions as data and fan-out with retries."""
