package pdf

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing/oned"

	"github.com/soko-wms/soko/internal/soko"
)

// crew is n staff members, every role in turn, with badge codes as the CLI
// and the console make them.
func crew(n int) []soko.Staff {
	names := []string{"山本 葵", "佐藤 花子", "小林 蓮", "伊藤 大輔", "田中 美咲"}
	out := make([]soko.Staff, n)
	for i := range out {
		out[i] = soko.Staff{
			BadgeCode: fmt.Sprintf("S%03d", i+1), Name: names[i%len(names)], Role: soko.Roles[i%len(soko.Roles)], Active: true,
		}
	}
	return out
}

// MustRenderBadges writes badge cards to a temporary PDF and returns its path.
func MustRenderBadges(tb testing.TB, staff []soko.Staff, opt BadgeOptions) string {
	tb.Helper()
	var buf bytes.Buffer
	if opt.Now == nil {
		opt.Now = fixedNow
	}
	if err := BadgeCards(&buf, staff, opt); err != nil {
		tb.Fatalf("BadgeCards: %v", err)
	}
	return mustWritePDF(tb, buf.Bytes())
}

// Every card's barcode reads as its badge code, as the handheld's sign-in
// scans it, ten cards to a sheet; a code with digits only and the longest
// code a card takes read too.
func TestBadgeCards_Barcodes(t *testing.T) {
	staff := crew(12)
	staff[3].BadgeCode = "20261123"
	staff[11].BadgeCode = "WAREHOUSE-TOKYO-NO1-X"
	path := MustRenderBadges(t, staff, BadgeOptions{Warehouse: "東京第一倉庫"})
	if got := pageSizes(t, path); strings.Join(got, "|") != "595.28 x 841.89|595.28 x 841.89" {
		t.Fatalf("12 cards on pages %q, want two A4 sheets", got)
	}
	sheet := badgeSheetA4()
	for page, idx := range map[int][]int{1: {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 2: {10, 11}} {
		img := MustPage(t, path, page)
		for _, i := range idx {
			got, err := decodeIn(t, img, sheet.cell(i), oned.NewCode128Reader())
			if err != nil || got != staff[i].BadgeCode {
				t.Errorf("card %d reads %q (%v), want %q", i+1, got, err, staff[i].BadgeCode)
			}
		}
	}
}

// Each card holds, inside its own outline, the name, the role in Japanese,
// the badge code in type and the warehouse; a name too long for one card
// is shrunk or cut there and does not spill onto the next.
func TestBadgeCards_Text(t *testing.T) {
	staff := crew(5)
	staff[4].Name = strings.Repeat("寿限無寿限無五劫の擦り切れ", 4)
	path := MustRenderBadges(t, staff, BadgeOptions{Warehouse: "東京第一倉庫"})
	sheet := badgeSheetA4()
	roles := []string{"ピッキング担当", "梱包・検品担当", "出荷担当", "監督者", "管理者"}
	for i, s := range staff[:4] {
		text := withoutSpace(regionText(t, path, sheet.cell(i)))
		for _, want := range []string{withoutSpace(s.Name), roles[i], s.BadgeCode, "東京第一倉庫"} {
			if !strings.Contains(text, want) {
				t.Errorf("card %d lacks %q: %q", i+1, want, text)
			}
		}
		for j, other := range roles {
			if j != i && strings.Contains(text, other) {
				t.Errorf("card %d (%s) also says %q", i+1, roles[i], other)
			}
		}
	}
	long := withoutSpace(regionText(t, path, sheet.cell(4)))
	if !strings.Contains(long, "寿限無寿限無") || !strings.Contains(long, "S005") || !strings.Contains(long, "管理者") {
		t.Errorf("the card with a long name: %q", long)
	}
	if below := withoutSpace(regionText(t, path, sheet.cell(6))); below != "" {
		t.Errorf("the long name spills onto the empty card below: %q", below)
	}
	if strings.Contains(withoutSpace(MustText(t, path)), "S006") {
		t.Error("a sixth card printed for five staff")
	}
}

func TestBadgeCards_Invalid(t *testing.T) {
	for name, staff := range map[string][]soko.Staff{
		"none":       nil,
		"empty code": {{BadgeCode: "P001", Name: "a"}, {BadgeCode: " ", Name: "b"}},
		"kanji code": {{BadgeCode: "山本", Name: "山本"}},
		"too long":   {{BadgeCode: strings.Repeat("AbCdEfGh", 4), Name: "x"}},
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := BadgeCards(&buf, staff, BadgeOptions{}); soko.ErrorCode(err) != soko.EINVALID {
				t.Errorf("err = %v, want %s", err, soko.EINVALID)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes", buf.Len())
			}
		})
	}
}
