"""Helpers shared by the tests and the benchmarks: real services (Mosquitto, Chromium),
signed-in clients, stores filled with made-up rows, query plans.

Neither shipped nor imported by the IOC; the benchmarks import from here, never from
``tests``.
"""
