# English message catalog: every label, date, weekday, time, city and post kind in the
# templates comes from here. Message for message the same ids as ../zh/digest.ftl (tested).

## Dates and times
weekday-1 = Mon
weekday-2 = Tue
weekday-3 = Wed
weekday-4 = Thu
weekday-5 = Fri
weekday-6 = Sat
weekday-7 = Sun
month-1 = Jan
month-2 = Feb
month-3 = Mar
month-4 = Apr
month-5 = May
month-6 = Jun
month-7 = Jul
month-8 = Aug
month-9 = Sep
month-10 = Oct
month-11 = Nov
month-12 = Dec
date = { $weekday } { $day } { $month }
date-year = { $day } { $month } { $year }
date-time = { $date }, { $time }
time-range = { $start }–{ $end }
week-range = { $day1 } { $month1 } – { $day2 } { $month2 } { $year }

## Sections
section-new = New this week
section-upcoming = Upcoming events
section-recaps = Recaps

## Post kinds
kind-call_for_speakers = Call for speakers
kind-announcement = Announcement
kind-registration = Registration
kind-recap = Recap
kind-article = Article
kind-other = Other

## Labels
label-venue = Venue
label-register = Register
label-updated = Updated
label-deadline = Deadline
label-talks = Talks
label-slides = Slides
label-video = Video
label-details = Details
label-read-more = Read more
label-nothing-new = Nothing new this week.
label-no-events = No events announced for the next { $weeks } weeks.
label-all-day = all day
label-week = Week { $week }

## Footer
footer-web = Web version
footer-feed = Feed (Atom)
footer-calendar = Event calendar (iCalendar)
footer-archive = Past issues
footer-unsubscribe = Unsubscribe
footer-made = Made by digest from what the community sites publish.
footer-editions = Other editions

## Email
preheader = { $posts ->
    [one] One new post
   *[other] { $posts } new posts
} and { $events ->
    [one] one upcoming event
   *[other] { $events } upcoming events
} this week.
edition-both = Bilingual
edition-zh = Chinese
edition-en = English

## Archive
archive-title = All issues
archive-intro = One issue a week, newest first.

## Cities (id: the English name lowercased, spaces as -, apostrophes dropped)
city-beijing = Beijing
city-shanghai = Shanghai
city-guangzhou = Guangzhou
city-shenzhen = Shenzhen
city-hangzhou = Hangzhou
city-chengdu = Chengdu
city-wuhan = Wuhan
city-nanjing = Nanjing
city-xiamen = Xiamen
city-zhuhai = Zhuhai
city-foshan = Foshan
city-dongguan = Dongguan
city-hong-kong = Hong Kong
city-macau = Macau
city-changsha = Changsha
city-xian = Xi'an
city-suzhou = Suzhou
city-tianjin = Tianjin
city-chongqing = Chongqing
city-dalian = Dalian
city-online = Online
