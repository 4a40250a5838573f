package soko

import (
	"slices"
	"testing"
	"time"
)

// TestJapaneseHolidays_CabinetOfficeLists compares the rules with the
// Cabinet Office's published lists (内閣府「国民の祝日について」).
func TestJapaneseHolidays_CabinetOfficeLists(t *testing.T) {
	official := map[int][]string{
		2025: {"01-01 元日", "01-13 成人の日", "02-11 建国記念の日", "02-23 天皇誕生日", "02-24 振替休日", "03-20 春分の日",
			"04-29 昭和の日", "05-03 憲法記念日", "05-04 みどりの日", "05-05 こどもの日", "05-06 振替休日", "07-21 海の日",
			"08-11 山の日", "09-15 敬老の日", "09-23 秋分の日", "10-13 スポーツの日", "11-03 文化の日", "11-23 勤労感謝の日", "11-24 振替休日"},
		2026: {"01-01 元日", "01-12 成人の日", "02-11 建国記念の日", "02-23 天皇誕生日", "03-20 春分の日",
			"04-29 昭和の日", "05-03 憲法記念日", "05-04 みどりの日", "05-05 こどもの日", "05-06 振替休日", "07-20 海の日",
			"08-11 山の日", "09-21 敬老の日", "09-22 国民の休日", "09-23 秋分の日", "10-12 スポーツの日", "11-03 文化の日", "11-23 勤労感謝の日"},
		2027: {"01-01 元日", "01-11 成人の日", "02-11 建国記念の日", "02-23 天皇誕生日", "03-21 春分の日", "03-22 振替休日",
			"04-29 昭和の日", "05-03 憲法記念日", "05-04 みどりの日", "05-05 こどもの日", "07-19 海の日",
			"08-11 山の日", "09-20 敬老の日", "09-23 秋分の日", "10-11 スポーツの日", "11-03 文化の日", "11-23 勤労感謝の日"},
	}
	for y, want := range official {
		var got []string
		for d, name := range JapaneseHolidays(y) {
			got = append(got, d.Format("01-02")+" "+name)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%d:\n got %v\nwant %v", y, got, want)
		}
	}
	if n := JapaneseHoliday(time.Date(2026, 9, 22, 10, 0, 0, 0, JST)); n != "国民の休日" {
		t.Errorf("2026-09-22 is %q", n)
	}
	if n := JapaneseHoliday(time.Date(2026, 9, 24, 0, 0, 0, 0, time.UTC)); n != "" {
		t.Errorf("2026-09-24 is %q", n)
	}
}

// TestJapaneseHolidays_Years keeps the rules sane for the years ahead:
// 15 or 16 祝日 plus substitutes each year, equinoxes on their days.
func TestJapaneseHolidays_Years(t *testing.T) {
	for y := 2022; y <= 2060; y++ {
		h := JapaneseHolidays(y)
		if len(h) < 16 || len(h) > 21 {
			t.Errorf("%d has %d holidays", y, len(h))
		}
		for d, name := range h {
			if d.Year() != y {
				t.Errorf("%d lists %s %s", y, d, name)
			}
			if name == "振替休日" && d.Weekday() == time.Sunday {
				t.Errorf("%d: substitute holiday on a Sunday %s", y, d)
			}
		}
		if v := equinox(y, 20.8431); v < 19 || v > 21 {
			t.Errorf("%d: 春分 on March %d", y, v)
		}
		if a := equinox(y, 23.2488); a < 22 || a > 24 {
			t.Errorf("%d: 秋分 on September %d", y, a)
		}
	}
}
