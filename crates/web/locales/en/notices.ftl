# Support, notices of incidents and revisions, and consent.

footer-support = Contact support
support-title = Contact support
support-lead = Write to our support staff about your account, your privacy, a bug or anything else. Only support staff read it.
support-topic = What is it about?
support-topic-choose = Choose one
support-topic-account = My account
support-topic-privacy = Privacy and my data
support-topic-bug = Something does not work
support-topic-other = Something else
support-message = Your message
support-message-hint = Up to 5000 characters. Please do not write passwords here.
support-reply-to = Email address for our reply (optional)
support-reply-to-hint = We keep it encrypted and erase it 90 days after we close your request.
support-child-note = We do not ask for your email address. If you need an answer, ask your teacher or a parent to write to us.
support-send = Send to support
support-choose-topic = Please choose what your message is about.
support-sent-title = Thank you, your message is sent
support-sent-lead = Our support staff will read it. If you gave an email address, we reply there.
support-sent-home = Back to the home page
invalid-message = Please write a message of 1 to 5000 characters.
invalid-reply-to = Please give an email address such as name@example.org, or leave it empty.

notice-first-version = The notice as first published.
notice-history = Changes to this notice
notice-version = version { $version }
notice-significant = significant change
notice-banner = Our privacy notice changed on { $date }:
notice-banner-link = Read what changed

account-notices-section = Notices
account-notices-none = There are no notices for you.
account-notice-incident = Security incident
account-notice-notice_version = Privacy notice changed
account-consents-section = Your choices
consent-title = A question before you go on
consent-lead = We would like to use some of your information in a new way. We only do so if you say yes, and you can change your answer at any time on your account page.
consent-yes = Yes
consent-no = No
consent-withdraw = Withdraw my yes
consent-change-later = You can change your answer at any time on your account page.
consent-now-yes = Your answer: yes.
consent-now-no = Your answer: no.
consent-now-unanswered = You have not answered yet, so the answer is no.
done-consent-saved = Your answer is saved.

mail-incident-subject = Kodlek: a security incident
mail-incident-lead = A security incident may have affected your Kodlek account, or the accounts of students you manage. This is what happened:
mail-incident-link = You can read this notice on your account page: { $link }
mail-version-subject = Kodlek: our privacy notice has changed
mail-version-lead = We have revised Kodlek's privacy notice. This is what changed:
mail-version-link = Read the notice here: { $link }
