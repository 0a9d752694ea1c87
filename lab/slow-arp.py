#!/usr/bin/env python3
"""A device that answers ARP late, like a phone or camera in Wi-Fi power save.

Runs inside a lab namespace whose kernel has arp_ignore=8 (it never answers ARP itself):
    ip netns exec <ns> python3 lab/slow-arp.py eth0 10.77.0.50 aa:bb:cc:dd:ee:ff 500
Answers every ARP request for its address after the given delay (ms), from a raw AF_PACKET socket.
Prints "ready" once listening and "arp <requester ip>" per request, so tests can see who asked.
"""
import heapq
import select
import signal
import socket
import struct
import sys
import time

ETH_P_ARP = 0x0806
PACKET_OUTGOING = 4


def main() -> None:
    iface, ip_text, mac_text, delay_text = sys.argv[1:5]
    my_ip = socket.inet_aton(ip_text)
    my_mac = bytes.fromhex(mac_text.replace(":", ""))
    delay = float(delay_text) / 1000.0

    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ARP))
    sock.bind((iface, ETH_P_ARP))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("ready", flush=True)

    pending = []  # heap of (due time, sequence, frame)
    sequence = 0
    while True:
        timeout = max(0.0, pending[0][0] - time.monotonic()) if pending else None
        readable, _, _ = select.select([sock], [], [], timeout)
        now = time.monotonic()
        while pending and pending[0][0] <= now:
            sock.send(heapq.heappop(pending)[2])
        if not readable:
            continue
        frame, address = sock.recvfrom(2048)
        if address[2] == PACKET_OUTGOING or len(frame) < 42:
            continue
        htype, ptype, hlen, plen, oper = struct.unpack("!HHBBH", frame[14:22])
        sender_mac, sender_ip = frame[22:28], frame[28:32]
        target_ip = frame[38:42]
        if (htype, ptype, hlen, plen, oper) != (1, 0x0800, 6, 4, 1) or target_ip != my_ip:
            continue
        print(f"arp {socket.inet_ntoa(sender_ip)}", flush=True)
        reply = (
            sender_mac + my_mac + struct.pack("!H", ETH_P_ARP)
            + struct.pack("!HHBBH", 1, 0x0800, 6, 4, 2)
            + my_mac + my_ip + sender_mac + sender_ip
        ).ljust(60, b"\x00")  # minimum Ethernet frame
        sequence += 1
        heapq.heappush(pending, (now + delay, sequence, reply))


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
