# The level page's playback (speed, step by step) and the program shown as text code.
level-step = Ett steg
level-step-of = Steg {"{"}n{"}"} av {"{"}total{"}"}
level-speed = Fart
level-speed-slow = Långsam
level-speed-normal = Normal
level-speed-fast = Snabb
level-show-code = Visa som kod
level-code-title = Ditt program som kod
level-code-lead = Dina block skrivna i JavaScript, ett språk som riktiga programmerare använder. Koden ändras när du ändrar blocken.
level-code-empty = // Lägg block under "när start" så syns de här som kod.
