"""coworkbill's benchmark harness (``python -m bench.run``, ``make bench``).

It prepares a database, starts the real server and a framework-less "floor" app served the
same way (``coworkbill.serving``), drives both with Debian's ``wrk`` and reports every
operation's throughput as a fraction of the floor's, its latencies, its errors and the
project's performance targets.
Nothing here is imported by the application.
"""
