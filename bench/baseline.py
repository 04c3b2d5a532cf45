"""The naive ingest loop a user would write first: paho → json.loads → COPY, acked on receipt.

The ingest bench runs it beside ``ioc ingest`` on the same broker and database
(``--baseline``) so the worker's throughput is a ratio. Plain on purpose: no validation,
no dead letters, paho acknowledges each message as soon as the callback returns (so a
crash loses what was not yet copied), rows are COPYed straight into ``sensor_readings``
500 at a time or every 0.25 s, in paho's network thread.

    python -m bench.baseline --port 1883 --topic 'x/v1/sensor/+/reading' --database-url ...
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from datetime import UTC, datetime
from typing import Any

import paho.mqtt.client as mqtt
import psycopg
from paho.mqtt.enums import CallbackAPIVersion

COLUMNS = "msg_id, station_id, quantity, value, unit, lon, lat, observed_at, stored_at"


class NaiveLoop:
    """Collects rows from messages and COPYs them in batches."""

    def __init__(self, dsn: str, batch: int = 500, every: float = 0.25) -> None:
        self.conn = psycopg.connect(dsn)
        self.batch, self.every = batch, every
        self.rows: list[tuple[Any, ...]] = []
        self.flushed = time.monotonic()

    def on_message(self, _client: Any, _userdata: Any, msg: mqtt.MQTTMessage) -> None:
        body = json.loads(msg.payload)
        station = msg.topic.split("/")[-2]
        for i, r in enumerate(body["readings"]):
            row = (f"{body['msg_id']}#{i}", station, r["q"], r["value"], "")
            self.rows.append((*row, body["lon"], body["lat"], body["ts"], datetime.now(UTC)))
        if len(self.rows) >= self.batch:
            self.flush()

    def flush(self) -> None:
        cursor = self.conn.cursor()
        with cursor.copy(f"COPY sensor_readings ({COLUMNS}) FROM STDIN") as copy:
            for row in self.rows:
                copy.write_row(row)
        self.conn.commit()
        self.rows.clear()
        self.flushed = time.monotonic()

    def due(self) -> bool:
        return bool(self.rows) and time.monotonic() - self.flushed >= self.every


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args()
    loop = NaiveLoop(args.database_url.replace("postgresql+psycopg://", "postgresql://"))
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.on_message = loop.on_message
    client.on_subscribe = lambda *_: print("subscribed", flush=True)
    client.connect("127.0.0.1", args.port)
    client.subscribe(args.topic, qos=1)
    running = [True]
    signal.signal(signal.SIGTERM, lambda *_: running.clear())
    while running:
        client.loop(timeout=0.05)
        if loop.due():
            loop.flush()
    client.disconnect()
    return 0


if __name__ == "__main__":
    sys.exit(main())
