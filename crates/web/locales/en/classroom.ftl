# The students' classroom pages: sign-in by name and secret, My classes, owning the account.
# Written for a child of seven: short sentences, friendly, never blaming.

classroom-code-title = Have a class code?
classroom-home-title = Sign in to your class
classroom-code-label = Class code
classroom-code-hint = It is on the card from your teacher, for example KMN-PQR.
classroom-code-go = Go
classroom-unknown-title = We can't find that class
classroom-unknown-lead = Look at the code on your card and type it again.
classroom-own-account-sign-in = I have my own account

classroom-who-title = Who are you?
classroom-who-lead = Press your name.
classroom-no-names = Your teacher has not added any names yet.
classroom-email-title = Sign in with your own account
classroom-email-lead = In this class, you sign in with your own account. Then you can join the class with its code.
classroom-email-sign-in = Sign in

classroom-hi = Hi { $name }!
classroom-pick-picture = Pick your secret picture.
classroom-type-words = Type your two secret words.
classroom-words-submit = Sign in
classroom-wrong-picture = That's not your picture. Try again!
classroom-wrong-words = Those are not your words. Try again!
classroom-type-words-first = Type your two secret words first.
classroom-not-you = Not you? Pick your name
classroom-locked-lead = Don't worry! Your teacher can fix it.
too-many-attempts = Ask your teacher to help you sign in.

classroom-wait-title = Just a moment
classroom-wait-lead = Lots of people are signing in right now. Wait a minute, then try again.
classroom-try-again = Try again

classroom-mine-title = My classes
classroom-mine-none = You are not in a class yet.
classroom-teacher = { $count ->
        [one] Teacher: { $name }
       *[other] Teachers: { $name }
    }
classroom-and = and
classroom-leave = Leave
classroom-leave-label = Leave { $name }
classroom-join-title = Join a class
classroom-join-hint = Your teacher gives you the code.
classroom-join-submit = Join
classroom-joined = You joined { $name }!
classroom-left = You left the class.
classroom-wait-join = Let's take a little break. Wait a few minutes, then type the code again.
section-not-found = We can't find a class with that code. Check it with your teacher and try again.
classroom-leave-title = Leave { $name }?
classroom-leave-lead = If you leave { $name }, { $teacher } will no longer see your progress.
classroom-leave-yes = Yes, leave the class
classroom-leave-no = No, stay
last-section = Your teacher looks after your account, so you sign in through this class. Make the account your own first; then you can leave.

classroom-own-title = Make this account your own
classroom-own-lead = Choose a username and a password to sign in with from now on; after that, your secret picture or words will not work any more, and only you can change your account.
classroom-username-hint = 3 to 32 letters a-z, digits, dots, dashes or underscores.
classroom-own-submit = Make it mine
classroom-own-done = This account is yours now! Sign in with your username and password from now on.
