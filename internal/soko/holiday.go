package soko

import "time"

// Japan's public holidays (国民の祝日), computed by rule so that the
// warehouse calendar knows them for any year ahead without a yearly list.
//
// Source: 国民の祝日に関する法律 (祝日法, 昭和23年法律第178号, as amended up
// to 平成30年法律第57号 which made 体育の日 スポーツの日 from 2020) and the
// Cabinet Office's page 「国民の祝日について」
// (https://www8.cao.go.jp/chosei/shukujitsu/gaiyou.html). 春分の日 and
// 秋分の日 are fixed each February by the National Astronomical
// Observatory's almanac (暦要項) for the next year; here they come from the
// standard approximation formula, which agrees with the almanac for
// 1980–2099. Tested against the Cabinet Office's lists for 2025, 2026 and
// 2027. The rules are those in force since 2020; the one-off moves of 2019
// (即位) and 2020–2021 (Olympics) are not reproduced, so years before 2022
// are not to be trusted, nor any year after a future amendment of the law.

// JapaneseHoliday returns the name of the public holiday on day's date (its
// year, month and day as written, whatever its location), or "" when it is
// none. 振替休日 and 国民の休日 count as holidays.
func JapaneseHoliday(day time.Time) string {
	y, m, d := day.Date()
	return JapaneseHolidays(y)[civil(y, m, d)]
}

// JapaneseHolidays returns every public holiday of year y by its date at
// midnight UTC.
func JapaneseHolidays(y int) map[time.Time]string {
	h := map[time.Time]string{}
	add := func(m time.Month, d int, name string) { h[civil(y, m, d)] = name }
	add(time.January, 1, "元日")
	add(time.January, nthMonday(y, time.January, 2), "成人の日")
	add(time.February, 11, "建国記念の日")
	add(time.February, 23, "天皇誕生日")
	add(time.March, equinox(y, 20.8431), "春分の日")
	add(time.April, 29, "昭和の日")
	add(time.May, 3, "憲法記念日")
	add(time.May, 4, "みどりの日")
	add(time.May, 5, "こどもの日")
	add(time.July, nthMonday(y, time.July, 3), "海の日")
	add(time.August, 11, "山の日")
	add(time.September, nthMonday(y, time.September, 3), "敬老の日")
	add(time.September, equinox(y, 23.2488), "秋分の日")
	add(time.October, nthMonday(y, time.October, 2), "スポーツの日")
	add(time.November, 3, "文化の日")
	add(time.November, 23, "勤労感謝の日")

	// 国民の休日 (第3条第3項): a day between two 国民の祝日 that is none
	// itself. Only 祝日 count on both sides, not 振替休日, so it is found
	// before them; in practice it is the day between 敬老の日 and 秋分の日.
	var between []time.Time
	for day := range h {
		mid, next := day.AddDate(0, 0, 1), day.AddDate(0, 0, 2)
		if _, ok := h[mid]; ok {
			continue
		}
		if _, ok := h[next]; ok && mid.Year() == y {
			between = append(between, mid)
		}
	}
	for _, d := range between {
		h[d] = "国民の休日"
	}
	// 振替休日 (第3条第2項): a 祝日 on a Sunday moves its rest to the
	// nearest following day that is no holiday.
	var substitutes []time.Time
	for day, name := range h {
		if day.Weekday() != time.Sunday || name == "国民の休日" {
			continue
		}
		next := day.AddDate(0, 0, 1)
		for h[next] != "" {
			next = next.AddDate(0, 0, 1)
		}
		substitutes = append(substitutes, next)
	}
	for _, d := range substitutes {
		if d.Year() == y {
			h[d] = "振替休日"
		}
	}
	return h
}

// civil is a calendar date as soko stores dates: midnight UTC.
func civil(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// nthMonday is the day of the month of its n-th Monday (ハッピーマンデー).
func nthMonday(y int, m time.Month, n int) int {
	first := civil(y, m, 1).Weekday()
	return 1 + (int(time.Monday)-int(first)+7)%7 + 7*(n-1)
}

// equinox is the day of the month of 春分 (base 20.8431, March) or 秋分
// (base 23.2488, September) by the approximation used for 1980–2099:
// int(base + 0.242194 × (y − 1980) − int((y − 1980) / 4)).
func equinox(y int, base float64) int {
	n := y - 1980
	return int(base + 0.242194*float64(n) - float64(n/4))
}
