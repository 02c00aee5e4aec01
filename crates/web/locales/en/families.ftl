## Families: parents, their children, permissions and requests.

field-parent-email = Your parent's email address (if you are under 13)
field-parent-email-hint = We ask your parent before we keep anything you do. Until they say yes, your progress stays in this browser.
retention-request = until the request is decided (or its confirmation link lapses unused), then erased

family-action-deactivate = deactivate the account
family-action-delete = delete the account and everything kept about it
family-action-stop-collection = stop keeping anything new
family-action-resume = undo a deactivation or a stop

family-code-not-found = This family code is unknown, used or expired. Ask your child or their teacher for a new one.
parent-controls = Only your parent can remove this link until you are 13.
parent-email-required = Children under 13 need a parent's email address: we ask them first.
child-sign-up-closed = Children get their accounts from their teachers here.
account-deactivated = A parent has deactivated this account.
not-collecting = Nothing is kept for this account now; your progress stays in this browser.
request-decided = This request has been decided already, or is not yet confirmed.

mail-permission-subject = { $name } would like a Kodlek account: may they?
mail-permission-body =
    Hello,

    { $name } has signed up to Kodlek, where children learn programming with blocks, and gave
    your email address as their parent's. Until you say yes we keep nothing of what they do: no
    progress, no programs.

    Read what they will do and what we keep, and say yes or no, here:
    { $link }

    If nobody answers within 7 days, the account is erased. We keep your address only until you
    answer.
mail-request-confirm-subject = Confirm your request to Kodlek
mail-request-confirm-body =
    Hello,

    You asked us to { $action } for { $child }. Please confirm that it was you by opening this link:
    { $link }

    If you did not ask for this, ignore this message and nothing happens.
mail-request-outcome-subject = Your request to Kodlek
mail-request-done =
    Hello,

    We have done what you asked: { $action } ({ $child }).
mail-request-refused =
    Hello,

    We did not carry out your request to { $action } ({ $child }).
    Why: { $reason }

    Write to us through the support page if you have questions.
mail-teacher-deactivate-subject = { $name }'s Kodlek account was deactivated by a parent
mail-teacher-deactivate-body =
    Hello,

    A parent of { $name }, a student in one of your sections, has had their account deactivated.
    { $name } cannot sign in until the parent asks us to resume it.
mail-teacher-delete-subject = { $name }'s Kodlek account was deleted by a parent
mail-teacher-delete-body =
    Hello,

    A parent of { $name }, a student in one of your sections, has had their account deleted, with
    their progress. They are no longer in your sections.

## The parent's pages
parents-title = Your children
parents-lead = Link to your child with the family code from their account page or from their teacher's letter home. You then see their progress and programs, and what Kodlek keeps about them.
parents-none = No child is linked yet.
parents-link-title = Link a child
parents-code = Family code
parents-code-hint = Eight letters and digits, such as KMNP-QRTW. Dashes and spaces do not matter.
parents-link-button = Link
parents-verify-first = Confirm your email address first (we sent you a link); then you can link to your child.
parents-status-active = active
parents-status-deactivated = deactivated
parents-status-collection_stopped = nothing new is kept
parents-linked-since = linked since { $date }
parents-age = age { $age }
parents-unlink = Remove the link
parents-request-link = Ask about a child you are not linked to
child-title = { $name }
child-progress = Progress
child-sections = Sections
child-sections-none = Not in any section.
child-section = { $name }, taught by { $teacher }
child-kept = What Kodlek keeps about { $name }
child-kept-rows = { $count } kept
child-actions = Decide about this account
child-actions-lead = Type your password; we then email you a link to confirm. Deactivating or deleting also tells the child's teachers.
child-action = What should happen
child-password = Your password
child-action-button = Ask
child-asked = We have emailed you a link: open it to confirm your request.
child-level-attempts = Attempts at { $level }
child-no-attempts = No attempts kept for this level.
child-back = Back to { $name }
child-level-title = { $level }: { $name }'s attempts
child-answer = Answer: { $answer }
account-family = Family
account-family-parents = Linked parents
account-family-none = No parent is linked to your account.
account-family-can-see = A linked parent sees your display name and age, your progress, your programs, your sections' names and what Kodlek keeps about you. They never see your email address. They can ask us to pause your account, stop what we keep, or delete it.
account-family-child-note = Until you are 13, only your parent can remove the link.
account-family-code = Make a family code
account-family-code-lead = Give this code to your parent: they type it on their Kodlek page to link to you. It works once, for 7 days.
account-family-your-code = Your family code: { $code } (until { $date })
account-family-remove = Remove
account-children = Your children
account-children-count = Children linked: { $count }
account-children-go = See your children and link a child

## The permission page
permission-title = May { $name } have a Kodlek account?
permission-lead = { $name } signed up to Kodlek and gave your address as their parent's.
permission-what = On Kodlek, children solve programming puzzles with blocks, alone or with their class. A child cannot send messages or upload anything.
permission-kept = If you say yes, we keep:
permission-kept-list = the display name and age they gave; a keyed hash of their email address (never the address itself), for signing in and resetting the password; each attempt at a level, with its time, its result and the program; the sections they join. You can see all of it, and ask us to pause, stop or erase it, from a parent account.
permission-until = Until you answer, nothing of their play is kept. Without an answer within 7 days, the account is erased. Your address is erased with your answer.
permission-grant = Yes, they may
permission-decline = No: erase the account
permission-gone = This link is unknown, used or expired.
permission-granted = Thank you: { $name } can now keep their progress.
permission-declined = The account has been erased.
permission-link-title = Follow { $name } on Kodlek
permission-link-lead = Sign in to your parent account, or create one, and type this family code on your page to link to { $name }. It works for 7 days.
permission-code = Family code: { $code }
permission-sign-in = Sign in
permission-sign-up = Create a parent account
permission-language = På svenska

## Request confirmation
request-confirm-title = Confirm your request
request-confirm-lead = You asked us to { $action } for { $child }.
request-confirm-button = Confirm
request-confirm-gone = This link is unknown, used or expired.
request-confirmed-done = Done: we have carried out your request.
request-confirmed-review = Confirmed. Our support staff will check who you are and your relationship to the child, and decide within 30 days. We will email you the outcome.
request-confirmed-refused = This request could not be carried out: you are no longer linked to the child.

## The public form
parent-request-title = Ask about your child's account
parent-request-lead = A parent or guardian can ask us to deactivate a child's account, delete it and everything kept about it, stop keeping anything new, or undo a deactivation or a stop. If you have a parent account linked to your child, do it from your page: it is quicker. Otherwise tell us who you are and who your child is; we email you a link to confirm, then our support staff check and decide within 30 days.
parent-request-name = Your name
parent-request-email = Your email address
parent-request-child = Your child's name on Kodlek
parent-request-section = The class code, if you know it
parent-request-school = The school
parent-request-action = What should happen
parent-request-details = Anything else we should know
parent-request-send = Send
parent-request-sent = Thank you. We have emailed you a link: open it to confirm your request.
parent-request-kept = We keep your name and address only until your request is decided, then erase them.

## The staff console
staff-parent-requests = Parents' requests
staff-parent-requests-lead = Every request, newest first. Confirmed requests without a link wait for your review: check who the parent is and their relationship to the child (ask the teacher of the section if need be), then decide within 30 days. Overdue ones are marked.
staff-pr-none = No requests.
staff-pr-overdue = Overdue
staff-pr-linked = From a linked parent
staff-pr-unlinked = From the public form
staff-pr-due = Due { $date }
staff-pr-child-id = The child's account id
staff-pr-reason = Reason (at least 10 characters)
staff-pr-carry-out = Carry out
staff-pr-refuse = Refuse
staff-pr-status-awaiting_email_confirmation = awaiting email confirmation
staff-pr-status-awaiting_review = awaiting review
staff-pr-status-done = done
staff-pr-status-refused = refused
done-family-asked = We have emailed you a link: open it to confirm your request.

## The letter home's slips
letter-slips-lead = Add a tear-off slip for each student whose account you made, with a family code: a parent types it on Kodlek to follow their child. Each printing makes new codes, valid for 14 days.
letter-slips-make = Add family code slips
letter-slips-title = Family codes
letter-slip-text = A parent or guardian: create a parent account on Kodlek, then type this code on your page to follow your child's progress.
letter-slip-until = Valid until { $date }, once.
account-family-awaiting = We have asked your parent if you may have an account. Until they say yes, nothing you do is kept here: your progress stays in this browser, and you can carry it over once they have said yes.
account-family-stopped = Your parent has asked us to keep nothing new: you can play, but your progress is not saved.
staff-pr-ask-teacher = Ask the section's teachers to confirm
done-family-teacher-asked = The section's teachers have been asked to confirm; the step is recorded.
mail-teacher-confirm-subject = Kodlek support: can you confirm a parent of { $child }?
mail-teacher-confirm-body =
    Hello,

    { $parent } has asked Kodlek's support about the account of { $child } in your section
    { $section }, as their parent or guardian. Before we act, we ask you: is { $parent } the
    parent or guardian of { $child }, as far as the school knows?

    Please answer by replying to this message or through the support page. Thank you.
not-kept-banner = For now nothing you do is kept on our server, only in this browser: a parent's yes is awaited, or your parent asked us to keep nothing new.
parents-nav = My children
support-parents-link = A parent or guardian asking to deactivate or delete a child's account, or to stop what we keep? Use this form.

child-projects = What { $name } has made
child-projects-none = No projects yet.
child-projects-lead = Each drawing or animation your child keeps, and who can see it. Your child chooses whether to share; a teacher or a moderator can hide what is shared.
child-project-title = Title
child-project-kind = Kind
child-project-seen-by = Who can see it
child-project-changed = Last changed
child-project-hidden = Shared, but hidden for now (by a teacher, the class's settings or a moderator)
