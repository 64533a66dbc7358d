# 中文消息目录：模板里的每个标签、日期、星期、时间、城市和帖子类型都来自这里。
# 与 ../en/digest.ftl 的消息一一对应（测试会检查）。

## 日期与时间
weekday-1 = 周一
weekday-2 = 周二
weekday-3 = 周三
weekday-4 = 周四
weekday-5 = 周五
weekday-6 = 周六
weekday-7 = 周日
month-1 = 1月
month-2 = 2月
month-3 = 3月
month-4 = 4月
month-5 = 5月
month-6 = 6月
month-7 = 7月
month-8 = 8月
month-9 = 9月
month-10 = 10月
month-11 = 11月
month-12 = 12月
date = { $month }{ $day }日（{ $weekday }）
date-year = { $year }年{ $month }{ $day }日
date-time = { $date }{ $time }
time-range = { $start }–{ $end }
week-range = { $year }年{ $month1 }{ $day1 }日–{ $month2 }{ $day2 }日

## 栏目
section-new = 本周新帖
section-upcoming = 近期活动
section-recaps = 活动回顾

## 帖子类型
kind-call_for_speakers = 讲师征集
kind-announcement = 活动预告
kind-registration = 报名
kind-recap = 回顾
kind-article = 文章
kind-other = 其他

## 标签
label-venue = 地点
label-register = 报名
label-updated = 已更新
label-deadline = 截止日期
label-talks = 议题
label-slides = 幻灯片
label-video = 视频
label-details = 详情
label-read-more = 阅读全文
label-nothing-new = 本周没有新帖。
label-no-events = 未来 { $weeks } 周暂无已公布的活动。
label-all-day = 全天
label-week = 第 { $week } 周

## 页脚
footer-web = 网页版
footer-feed = 订阅源（Atom）
footer-calendar = 活动日历（iCalendar）
footer-archive = 往期周报
footer-unsubscribe = 退订
footer-made = 由 digest 根据各社区网站的公开内容自动生成。
footer-editions = 其他版本

## 邮件
preheader = 本周 { $posts } 篇新帖，{ $events } 场近期活动。
edition-both = 中英双语
edition-zh = 中文
edition-en = 英文

## 往期索引
archive-title = 往期周报
archive-intro = 每周一期，最新的在最前面。

## 城市（键为英文名的小写，空格换成 -）
city-beijing = 北京
city-shanghai = 上海
city-guangzhou = 广州
city-shenzhen = 深圳
city-hangzhou = 杭州
city-chengdu = 成都
city-wuhan = 武汉
city-nanjing = 南京
city-xiamen = 厦门
city-zhuhai = 珠海
city-foshan = 佛山
city-dongguan = 东莞
city-hong-kong = 香港
city-macau = 澳门
city-changsha = 长沙
city-xian = 西安
city-suzhou = 苏州
city-tianjin = 天津
city-chongqing = 重庆
city-dalian = 大连
city-online = 线上
