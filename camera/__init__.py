"""Camera ingest (capture, motion gate, smoke/fire detectors, snapshots, health).

The capture worker arrives with the forest-watch issue; until then cameras report over MQTT
(heartbeats and detections, see docs/mqtt.md) and this package holds no code.
"""
