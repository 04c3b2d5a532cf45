"""The MQTT device contract and its transport, shared by every room that speaks MQTT.

* :mod:`ioc.mqtt.topics` — the topic scheme (``ioc/v1/...``) and the IOC's own source id;
* :mod:`ioc.mqtt.payloads` — the pydantic models of each payload (version 1), the contract
  device vendors build to (``docs/mqtt.md``);
* :mod:`ioc.mqtt.inbound` — :class:`~ioc.mqtt.inbound.InboundMessage`, what the transport
  hands over;
* :mod:`ioc.mqtt.transport` — the paho client: connect, subscribe, reconnect, publish.

The ingest worker reads through it, the camera worker and the notifier publish through it;
it sits below all of them so none imports another sideways.
"""
