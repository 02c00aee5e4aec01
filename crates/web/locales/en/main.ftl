## Everywhere
site-name = Kodlek
skip-to-content = Skip to the content
nav-home = Home
nav-sign-in = Sign in
nav-sign-up = Sign up
nav-account = My account
nav-sign-out = Sign out
nav-language = Language
footer-privacy = Privacy notice
footer-cookies = Cookies
footer-tagline = Kodlek: coding puzzles for schools. No ads, no trackers.
form-expired = This form has expired. Please try again.
page-not-found = We could not find that page.
error-title = Something went wrong
something-went-wrong = Something went wrong on our side. Please try again.
rate-limited = Too many attempts. Please wait a few minutes and try again.

## Home
home-title = Learn to code, one block at a time
home-lead = Kodlek is a place to learn computer science with block-based puzzles. Anyone can play without an account; teachers follow their sections; young children sign in with a secret picture.
home-no-account = You can try every puzzle without an account.
home-get-started = Create an account
home-have-account = I already have an account
home-privacy = We keep what we promise in our privacy notice, in code: no ads, no trackers, and a child's email address is never kept.

## Sign-up
sign-up-title = Create an account
sign-up-choose = Who are you?
sign-up-as-student = I am a student
sign-up-as-student-hint = Play puzzles and keep your progress.
sign-up-as-teacher = I am a teacher
sign-up-as-teacher-hint = Create sections and follow your students.
sign-up-as-parent = I am a parent or guardian
sign-up-as-parent-hint = Follow and support your child.
sign-up-student-title = Create a student account
sign-up-teacher-title = Create a teacher account
sign-up-parent-title = Create a parent account
sign-up-submit = Create my account
sign-up-have-account = Already have an account? Sign in.
field-display-name = Display name
field-display-name-hint = The name others see, for example "Cool Coder". It does not have to be your real name.
field-age = Age in years
field-gender = Gender (optional)
gender-none = Prefer not to say
gender-female = Girl or woman
gender-male = Boy or man
gender-nonbinary = Non-binary
gender-unspecified = Another answer
field-email = Email address
field-email-hint = Used to sign in and to reset your password. Nobody else sees it.
field-password = Password
field-password-hint = 8 to 128 characters. A few words in a row make a good password.
field-school-name = School name (optional)
field-school-address = School address (optional)
field-remember-me = Remember me on this computer (for 30 days)
field-remember-me-hint = Leave this off on a shared computer.
field-login = Email address or username
field-current-password = Current password
field-new-password = New password
field-username = Username

## Errors on fields
invalid-display-name = Please give a display name of 1 to 40 characters.
invalid-email = Please give an email address such as name@example.org.
invalid-password = Please choose a password of 8 to 128 characters that is not one of the most common ones.
invalid-age = Please give your age as a whole number of years.
invalid-gender = Please choose one of the answers for gender.
invalid-username = A username has 3 to 32 letters a-z, digits, dots, dashes or underscores.
invalid-school-name = Please keep the school name under 200 characters.
invalid-school-address = Please keep the school address under 200 characters.
invalid-role = Please choose student, teacher or parent.
invalid-other = Please check what you typed.
email-taken = An account with this email address already exists. You can sign in or reset your password.
username-taken = This username is taken. Please choose another.
invalid-credentials = That email or username and password do not match an account.
reauthentication-required = Please type your current password to make this change.
managed-by-teacher = Your teacher manages this account. Ask your teacher to remove it.

## Sign-in
sign-in-title = Sign in
sign-in-submit = Sign in
sign-in-forgot = Forgot your password?
sign-in-no-account = No account yet? Create one.

## Account
account-title = My account
account-hello = Hello, { $name }!
account-profile = My details
account-save = Save
account-email-unverified = Please confirm your email address: we sent you a link.
account-resend = Send the link again
account-email-section = Email address
account-email-on-file-hidden = We keep only a scrambled code of your email address, never the address itself, so we cannot show it. You can still use it to sign in and to reset your password.
account-email-none = No email address is on file.
account-change-email = Change email address
account-password-section = Password
account-change-password = Change password
account-data-section = My data
account-data-lead = You can see and download everything we keep about you.
account-export-page = See my data
account-export-json = Download my data (JSON)
account-delete-section = Delete my account
account-delete-lead = This erases your account and everything in it. It cannot be undone.
account-delete-submit = Delete my account for good
account-role = Account type
role-student = Student
role-teacher = Teacher
role-parent = Parent or guardian
role-staff = Staff
account-managed = Your teacher created this account and manages it.

## Done messages
done-saved = Your changes are saved.
done-signed-out = You are signed out.
done-deleted = Your account and its personal data are erased.
done-password-set = Your new password is set. Please sign in.
done-verification-sent = We sent a new confirmation link.
done-email-saved = Your email address is changed. Please confirm it with the link we sent.
done-password-changed = Your password is changed. Other sign-ins have ended.

## Data page
data-title = My data
data-lead = This is everything Kodlek keeps about your account, explained field by field. You can also download it as a file.
data-field = What
data-value = Stored value
data-yes-stored = Kept (a code that means nothing to people)
data-not-stored = Nothing kept
data-no-rows = Nothing kept.
data-generated = Made on { $date }.

## Password reset
forgot-title = Reset your password
forgot-lead = Type the email address of your account. We will send a link for setting a new password.
forgot-submit = Send me a link
forgot-sent = If an account uses that address, a link is on its way. It works for one hour.
reset-title = Choose a new password
reset-submit = Set my new password
reset-invalid = This link does not work any more. Links work once, for one hour. You can ask for a new one.

## Email verification
verify-title = Confirm your email address
verify-lead = Press the button to confirm that this address is yours.
verify-submit = Confirm my address
verify-done = Thank you! Your email address is confirmed.
verify-invalid = This link does not work any more. You can ask for a new one on your account page.

## Notice and cookies
privacy-title = Privacy notice
privacy-revised = Last revised:
privacy-binding = The English text is the binding version of this notice.
privacy-other-language = Läs på svenska
privacy-table-caption = What Kodlek stores, generated from the platform's data inventory
privacy-table-what = What
privacy-table-where = Kept in
privacy-table-who = Who can see it
privacy-table-how-long = How long
audience-self = you
audience-teachers = your current teachers
audience-public = anyone
audience-nobody = nobody (only the platform uses it)
retention-account = until the account is deleted
retention-session = until you sign out or the sign-in ends
retention-link = until the link is used or expires (at most a week)
retention-hour = about an hour
retention-wish = for as long as you want no email
retention-record = kept as a permanent record that cannot be changed; it names ids, never personal data
retention-reply = until 90 days after support closes the request
retention-records = kept as our record; what names you goes when your account is deleted
cookies-title = Cookies

## Unsubscribe
unsubscribe-title = Stop email from Kodlek
unsubscribe-lead = Press the button, and this address gets no more email from Kodlek that it did not ask for. A password reset you ask for yourself will still arrive.
unsubscribe-submit = Unsubscribe
unsubscribe-done = Done. This address will get no more email from Kodlek unless it asks for it.
unsubscribe-invalid = This unsubscribe link is not valid.

## Mail
mail-verify-subject = Confirm your email address for Kodlek
mail-verify-body =
    Hello { $name },

    Please confirm your email address for Kodlek by opening this link:
    { $link }

    If you did not create a Kodlek account, you can ignore this message.
mail-reset-subject = Reset your Kodlek password
mail-reset-body =
    Hello { $name },

    Someone asked to reset the password of your Kodlek account. To choose a new password, open this link within an hour:
    { $link }

    If it was not you, ignore this message: your password stays as it is.
mail-password-changed-subject = Your Kodlek password was changed
mail-password-changed-body =
    Hello { $name },

    The password of your Kodlek account was just changed. If that was not you, reset your password from the sign-in page at once.
data-true = yes
data-false = no

## Courses and levels
nav-courses = Courses
courses-title = Courses
courses-lead = Pick a course and start with the first level. No account needed.
course-levels = { $count } levels
course-start = Start
level-status-none = not tried yet
level-status-failed = tried
level-status-completed = done
level-status-passed = solved
level-status-perfect = solved perfectly
not-saved-banner = You are not signed in: your progress will not be saved on our server, only in this browser.
carry-title = Bring your progress along?
carry-lead = This browser remembers puzzles you played without an account. Add them to your account?
carry-button = Yes, add them
carry-dismiss = No, forget them
resume-link = Continue where you stopped
level-back = Back to the course
level-run = Run
level-running = Running…
level-reset = Reset
level-next = Next level
level-success-perfect = You solved it with the fewest blocks. Brilliant!
level-success-passed = You solved it! You used {"{"}used{"}"} blocks; can you do it with {"{"}ideal{"}"}?
level-failed-crashed = Oops, you bumped into a wall. Try again!
level-failed-not-reached-goal = You did not reach the flag yet. Add more blocks!
level-failed-too-many-steps = Your program ran for too long. Does a loop ever end?
level-failed-block-not-allowed = This level does not use one of your blocks.
level-failed-missing-required-block = Use the block this level asks for.
level-failed-wrong-drawing = Your drawing does not match the picture yet.
level-failed-wrong-drawing-extra = Your drawing has a line that is not in the picture. Watch where the pen goes!
level-failed-wrong-drawing-missing = Part of the picture is not drawn yet. Which line is still missing?
level-failed-crashed-at = Oops, the explorer bumped into the wall at row { $row }, column { $column }. Try again!
level-failed-obstacle-at = Oops, the explorer bumped into the rock at row { $row }, column { $column }. Walk around it!
level-failed-not-reached-goal-at = You did not reach the flag yet: the explorer stopped at row { $row }, column { $column }. Add more blocks!
level-failed-too-many-steps-named = Your program ran for too long. Does the "{ $block }" loop ever end?
level-failed-too-many-steps-repeat = Your program ran for too long: the "{ $block }" block repeats too many times. Try a smaller number.
level-failed-block-not-allowed-named = This level does not use the "{ $block }" block. Take it away.
level-failed-missing-required-block-named = Use the "{ $block }" block.
level-failed-too-many-blocks = This level gives you no more than { $limit } of the "{ $block }" block. A loop can help!
level-failed-missing-locked-block = The "{ $block }" block belongs to this level: press "Start over" to get it back.
level-failed-empty-block = The "{ $block }" block is empty: put blocks inside it.
level-failed-empty-else = The "else" part of the "{ $block }" block is empty: put blocks inside it.
level-completed = Done! Well done.
level-invalid-program = Something is wrong with the blocks. Is everything under "when run"?
level-error-network = We could not reach the server. Try again.
level-answer-label = Your answer
level-answer-submit = Send my answer
level-stage = The puzzle
level-place = Level { $n } of { $total }
level-read-aloud = Read aloud
level-show-hint = Show a hint
level-hint = Hint {"{"}n{"}"} of {"{"}total{"}"}: {"{"}text{"}"}
level-start-over = Start over
level-sound = Sound
level-stage-maze = A maze of {"{"}cols{"}"} by {"{"}rows{"}"} squares. The explorer stands on the ring and looks {"{"}facing{"}"}. Steps along the path to the flag: {"{"}steps{"}"}.
level-stage-maze-no-way = A maze of {"{"}cols{"}"} by {"{"}rows{"}"} squares. The explorer stands on the ring and looks {"{"}facing{"}"}.
level-facing-north = up
level-facing-east = to the right
level-facing-south = down
level-facing-west = to the left
level-stage-artist = A drawing board. A faint picture shows what to draw, and the arrow is the pen: draw over the picture.
level-keys-title = Play with the keyboard
level-keys-tab = move between the buttons, the blocks to pick from and your program
level-keys-jump = go to the blocks to pick from, or to your program
level-keys-arrows = go from block to block
level-keys-enter = pick up a block; the arrows choose where it goes and Enter puts it there
level-keys-escape = put it back
level-keys-delete = take a block away
level-keys-run = run your program
block-when-run = when run
block-move-forward = move forward
block-turn-left = turn left ↺
block-turn-right = turn right ↻
block-turn = turn
block-forever = repeat until done
block-if = if path
block-else = else
block-path-forward = ahead
block-path-left = to the left
block-path-right = to the right
block-repeat = repeat
block-times = times
block-artist-forward = move forward by
block-artist-backward = move backward by
block-artist-turn-left = turn left by
block-artist-turn-right = turn right by
block-degrees = degrees
block-pen-up = pen up
block-pen-down = pen down
block-colour = set colour

# The request logs' periods, stated in the privacy notice from the server's configuration.
privacy-log-periods = Each request log is deleted after { $days } days, and after { $ip_days } days the last part of the IP address in it is removed, so that it no longer points to one connection.
privacy-log-none = This server keeps no request logs.
