#!/usr/bin/env python3
"""Writes the sprites lab's built-in sounds (crates/web/static/sounds/*.wav): short tones made
here, so that no sound comes from anywhere else. Run again to change them."""
import math, struct, wave, os

RATE = 16000
HERE = os.path.join(os.path.dirname(__file__), "..", "crates", "web", "static", "sounds")

def write(name, samples):
    with wave.open(os.path.join(HERE, name + ".wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(b"".join(struct.pack("<h", int(max(-1, min(1, s)) * 20000)) for s in samples))

def tone(freq_at, seconds, decay):
    n = int(RATE * seconds)
    phase = 0.0
    out = []
    for i in range(n):
        t = i / RATE
        phase += 2 * math.pi * freq_at(t) / RATE
        out.append(math.sin(phase) * math.exp(-decay * t))
    return out

write("pop", tone(lambda t: 600 - 3000 * t, 0.12, 30))
write("beep", tone(lambda t: 880, 0.25, 4))
write("boing", tone(lambda t: 200 + 150 * math.sin(2 * math.pi * 12 * t), 0.5, 5))
write("ding", tone(lambda t: 1320, 0.6, 6))
