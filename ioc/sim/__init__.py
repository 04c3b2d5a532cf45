"""Everything simulated, in one room that production code never imports.

The demo province of ``python app.py`` and ``ioc simulate``, and the made-up data of tests
and benchmarks:

* :mod:`ioc.sim.province` — demo cameras and stations publishing over MQTT, like devices;
* :mod:`ioc.sim.sensors` — plausible environmental readings;
* :mod:`ioc.sim.dossiers` and :mod:`ioc.sim.dossier_history` — the one-stop system's
  dossier events, live and two months back;
* :mod:`ioc.sim.reports` — citizens' field reports;
* :mod:`ioc.sim.field_officer` — an officer who acknowledges and closes incidents;
* :mod:`ioc.sim.clips` and :mod:`ioc.sim.streams` — synthetic hillside clips the real
  camera chain analyses;
* :mod:`ioc.sim.demo` — preparing the embedded demo store.

Messages are built by the same code the device contract uses (camera payloads by
:mod:`camera.events`, topics by :mod:`ioc.mqtt.topics`) and travel the path real devices
take. Only the CLI (``ioc.commands``) and ``app.py`` wire it in; an import-linter contract
(pyproject.toml) fails CI when anything else imports it.
"""
