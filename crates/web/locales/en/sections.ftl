## Sections: the teachers' pages

sections-nav = Sections
sections-nav-mine = My classes
sections-title = Sections
sections-lead = A section is one of your classes or groups. Its students sign in with a code, and you follow their progress here.
sections-mine = My sections
sections-none = You have no sections yet. Create your first one below.
sections-col-name = Name
sections-col-course = Course
sections-col-login = Sign-in
sections-col-students = Students
sections-col-code = Code
sections-new = Create a section
sections-unverified = Before you can create a section, please confirm your email address with the link we sent you. We ask this so that only real teachers make accounts for children.
sections-field-name = Name of the section
sections-field-name-hint = For example "Class 3B" or "Coding club, Tuesdays".
sections-field-course = Course
sections-field-login = How students sign in
sections-login-picture = Secret picture
sections-login-picture-hint = For young children: they pick their name, then their own picture. You create their accounts.
sections-login-word = Two secret words
sections-login-word-hint = For children who can read: they pick their name and type two words. You create their accounts.
sections-login-email = Their own account
sections-login-email-hint = For older students with an email address: they sign up themselves and join with the section code.
sections-create = Create the section

## Header and tabs of a section
sections-code = Code
sections-sign-in-at = Students sign in at
sections-join-email = Students sign in with their own account and join with this code on their "My classes" page.
sections-tabs = This section
sections-tab-progress = Progress
sections-tab-students = Students
sections-tab-cards = Sign-in cards
sections-tab-letter = Letter home
sections-tab-settings = Settings

## Dashboard
sections-help-title = Needs help
sections-help-none = Nobody seems stuck right now.
sections-needs-help = needs help
sections-needs-help-levels = Needs help with level { $levels }
sections-grid-title = Progress
sections-grid-caption = Best result of each student on each level
sections-grid-student = Student
sections-grid-tries = tries
sections-grid-stuck = tried many times, not solved yet
sections-grid-empty = There are no students in this section yet.
sections-grid-hint = Point at a square, or move through the grid with the arrow keys, to see the number of tries and the time of the last one.
sections-times-utc = Times are in UTC.
sections-times-local = Times are in your computer's time zone.
sections-count-students-one = 1 student
sections-count-students = { $count } students
sections-csv = Download as a spreadsheet (CSV)
sections-legend = What the symbols mean
sections-legend-solved = solved
sections-legend-tried = tried, not solved yet
sections-legend-stuck = tried many times or for a long time without solving: may need help

## A student's page
sections-student-lead = Levels of { $course }, with every attempt. Nothing here can be changed.
sections-student-hint = The newest attempt comes first.
sections-student-levels = Levels
sections-col-level = Level
sections-col-status = Best result
sections-col-attempts = Attempts
sections-col-last = Last attempt
sections-attempt-count-one = 1 attempt
sections-attempt-count = { $count } attempts
sections-open-level = Open the level
sections-code-label = The program, block by block
sections-code-loose = (blocks not joined to "when run"; they do not run)
sections-code-off = switched off
sections-code-unknown = unknown block "{ $type }"
sections-code-empty = (no blocks)
sections-code-unreadable = (this program cannot be shown)
sections-storage-full = This student's space for programs and answers is full, so their new attempts are no longer saved. It takes far more than a year of ordinary work to fill it; it usually means the same huge program was sent again and again.

## Students
sections-students-none = No students yet.
sections-col-age = Age
sections-col-gender = Gender
sections-col-account = Account
sections-col-sign-in = Sign-in
sections-col-actions = Actions
sections-col-secret = Secret
sections-account-managed = made by a teacher
sections-account-own = their own
sections-locked = Locked: too many wrong tries
sections-not-locked = works
sections-edit = Edit
sections-new-secret = New secret
sections-unlock = Unlock
sections-remove = Remove
sections-add-title = Add students
sections-add-one = Add the student
sections-field-student-name = Name
sections-field-student-name-hint = The name on the sign-in page and the card, for example "Alva" or "Alva B." The children see each other's names.
sections-field-age = Age in years (optional)
sections-field-age-clear = Leave empty if you do not want to give it.
sections-gender-none = Not given
sections-permission = The school has permission to create an account for this child.
sections-permission-hint = By ticking this you confirm that your school has consent from the child's parent or guardian (or another legal basis) to create a Kodlek account for them. We keep a note of who confirmed it, and when.
sections-paste-title = Paste a class list
sections-field-names = Names, one per line
sections-field-names-hint = Copy the names from your class list. Empty lines are left out. At most 100 names at a time.
sections-add-list = Add these students
sections-email-students = In this section students sign in with accounts of their own: they sign up themselves and join with the code. To create accounts for young children, change the section to pictures or words in the settings.
sections-created-title-one = 1 student added. Their secret:
sections-created-title = { $count } students added. Their secrets:
sections-print-cards = Print the sign-in cards
sections-new-secret-for = New secret for { $name }
sections-new-secret-old = The old secret no longer works.
sections-print-one-card = Print a new card
sections-edit-title = Edit { $name }
sections-edit-lead = Correct what is wrong. Empty fields are cleared.
sections-cancel = Cancel
sections-remove-title = Remove { $name }?
sections-remove-managed = A teacher created { $name }'s account. If { $name } is in no other section, the account is erased with all progress and programs. This cannot be undone.
sections-remove-own = { $name } keeps their own account and progress; you will no longer see it.
sections-remove-confirm = Remove { $name }
sections-invalid-names-line = Please check line { $line } of the list: a name has 1 to 40 characters.
sections-invalid-student-age = Please give the age as a whole number of years, or leave it empty.

## Sign-in cards
sections-cards-title = Sign-in cards
sections-cards-lead = Print this page and cut out the cards. Each child keeps their own card: the secret on it is theirs only.
sections-cards-none = There are no cards yet: add students first.
sections-card-your-picture = Your picture:
sections-card-your-words = Your secret words:
sections-card-go-to = Go to

## Settings
sections-settings-basics = Name and course
sections-course-hint = The progress grid shows the levels of the chosen course. Progress in the other course is kept.
sections-login-warning = Between pictures and words, every student you created gets a new secret: print new cards afterwards. A section with students you created cannot become an email section.
sections-login-change = Change how students sign in
sections-code-title = Section code
sections-code-warning = A new code replaces the old one at once: the old code stops working, on the sign-in page and for joining.
sections-code-new = Make a new code
sections-teachers-title = Teachers
sections-teacher-owner = made the section
sections-teacher-you = you
sections-teacher-leave = Leave this section
sections-invite-lead = Another teacher can help you run this section: they see and do everything you do, except delete it. Make a link and give it to them; it works once, for a week.
sections-invite = Make an invitation link
sections-invite-made = Here is the invitation link. Copy it now: it is shown only this once.
sections-invite-link = Invitation link
sections-invite-once = The link works once, for seven days, for a signed-in teacher.
sections-delete-title = Delete the section
sections-delete-lead = Deleting the section erases the accounts you created for its students, unless they are in another section too.
sections-delete = Delete this section…
sections-owner-only = Only the teacher who made this section can delete it.
sections-delete-confirm-title = Delete { $name }?
sections-delete-students-one = The section has 1 student.
sections-delete-students = The section has { $count } students.
sections-delete-erases-zero = No student accounts were made by a teacher, so no account is erased.
sections-delete-erases-one = 1 student has an account made by a teacher: it is erased with all progress unless the student is in another section too.
sections-delete-erases = { $count } students have accounts made by a teacher: they are erased with all progress, except those that are in another section too.
sections-delete-final = This cannot be undone.
sections-delete-confirm = Yes, delete the section

## Done
sections-done-created = The section is ready. Add your students next.
sections-done-added = The students are added.
sections-done-saved = Your changes are saved.
sections-done-login-type = Sign-in is changed. The students have new secrets: print new cards.
sections-done-code = The section has a new code. The old one no longer works.
sections-done-unlocked = Sign-in is unlocked.
sections-done-removed = The student is removed from the section.
sections-done-teacher-removed = The teacher is removed from the section.
sections-done-left = You have left the section.
sections-done-deleted = The section is deleted.
sections-done-joined = Welcome! You now teach this section too.

## Letter home
sections-letter-print = This letter is for the students and their parents or guardians. Print it with your browser (Ctrl+P or ⌘P); the menus are left out.
sections-letter-to = To the students of { $section } and their parents or guardians
sections-letter-title = We are learning to code: { $course }
sections-letter-intro = In class we will use Kodlek, a website with coding puzzles for schools, and work through the course "{ $course }":
sections-letter-levels-one = The course has 1 level.
sections-letter-levels = The course has { $count } levels.
sections-letter-how-title = How to sign in
sections-letter-go-to = Go to
sections-letter-code = If asked, type the class code { $code }.
sections-letter-picture = Pick your name, then your secret picture.
sections-letter-words = Pick your name, then type your two secret words.
sections-letter-card = The secret is on the card the child gets from me. Please keep it at home or in school, and do not share it.
sections-letter-email-1 = Sign in to Kodlek with your own account (or create one).
sections-letter-email-2 = On the "My classes" page, type the class code { $code }.
sections-letter-data-title = What Kodlek keeps about a student
sections-letter-data-lead = Kodlek has no ads and no trackers. This list comes straight from the platform's data inventory: it is everything that is kept about a student, and who can see it.
sections-letter-email = A child's email address is never stored in a readable form. Children who sign in with a picture or words have no email address at Kodlek at all.
sections-letter-audience-self = the student
sections-letter-audience-teachers = their teachers
sections-letter-audience-public = anyone
sections-letter-audience-nobody = nobody else (only the platform uses it)
sections-letter-rights-title = Your rights
sections-letter-rights = Parents and guardians can see what is kept and ask for it to be corrected or deleted: ask me, or read the privacy notice at
sections-letter-regards = Kind regards,

## Invitations
sections-invitation-title = Invitation to teach a section
sections-invitation-lead = Another teacher has invited you to help run their section. Accept, and you see the students' progress and can do everything except delete the section.
sections-invitation-accept = Accept the invitation
sections-invitation-sign-in = Please sign in with your teacher account first, then open the link again.
sections-invitation-not-teacher = Only teachers can accept this invitation. Sign in with a teacher account.
sections-invitation-invalid = This invitation link does not work: it may have been used already or be more than a week old. Ask the teacher for a new one.

## Errors of the sections API, by code
wrong-login-type = In this section students sign in with their own accounts, so you cannot create accounts for them. Change the section to pictures or words first.
display-name-taken = There is already a student with this name in the section. Add an initial, for example "Alva B.", to tell them apart.
sections-names-repeated = These names are in the list twice, or already in the section: { $names }. Add an initial, for example "Alva B.", to tell them apart.
school-permission-required = Please tick the box to confirm that the school has permission to create accounts for these children.
student-in-control = This student has taken over their account, so only they can change it now.
managed-students-present = This section has students whose accounts you created. They sign in with a picture or words, so the section cannot become an email section.
owner-cannot-leave = You made this section, so you cannot leave it. You can delete it instead.
email-unverified = Please confirm your email address first, with the link we sent you.
unknown-course = Please choose one of the courses in the list.
invalid-name = Please give the section a name of 1 to 60 characters.
invalid-names = Please give at least one name, and at most 100 at a time.
invalid-login-type = Please choose how the students sign in.
sections-print = Print
