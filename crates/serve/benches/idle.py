#!/usr/bin/env python3
"""Holds N idle connections to HOST:PORT open for SECONDS: each sends
nothing; one the server closes (its header timeout) is opened again at
once. Prints how many were open at the end and how many were reopened.

    idle.py HOST PORT N SECONDS
"""
import selectors
import socket
import sys
import time

host, port, n, secs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
sel = selectors.DefaultSelector()


def connect():
    s = socket.create_connection((host, port))
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ)


for _ in range(n):
    connect()
reopened = 0
end = time.time() + secs
while time.time() < end:
    for key, _ in sel.select(timeout=0.2):
        s = key.fileobj
        try:
            data = s.recv(4096)
        except OSError:
            data = b""
        if not data:
            sel.unregister(s)
            s.close()
            connect()
            reopened += 1
print(f"idle connections held: {len(sel.get_map())}, reopened after the server closed them: {reopened}")
