"""MQTT ingest: transport (paho) → frozen InboundMessage → pure parsers → batched writer."""
