# The level page's playback (speed, step by step) and the program shown as text code.
level-step = Step
level-step-of = Step {"{"}n{"}"} of {"{"}total{"}"}
level-speed = Speed
level-speed-slow = Slow
level-speed-normal = Normal
level-speed-fast = Fast
level-show-code = Show as code
level-code-title = Your program as code
level-code-lead = Your blocks written as JavaScript, a language that real programmers use. It changes as you change the blocks.
level-code-empty = // Put blocks under "when run" to see them here as code.
