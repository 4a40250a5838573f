package pdf

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing/oned"

	"github.com/soko-wms/soko/internal/soko"
)

// aisle is n pick locations of zone A in walk order, codes as the floor
// writes them: A-01-02-3 (zone-aisle-bay-level).
func aisle(n int) []soko.Location {
	locs := make([]soko.Location, n)
	for i := range locs {
		locs[i] = soko.Location{
			Code: fmt.Sprintf("A-%02d-%02d-%d", i/16+1, i/4%4+1, i%4+1),
			Zone: "A", WalkSequence: (i + 1) * 10, Kind: soko.LocationPick,
		}
	}
	return locs
}

// MustRenderLocations writes location labels to a temporary PDF and returns
// its path.
func MustRenderLocations(tb testing.TB, locs []soko.Location) string {
	tb.Helper()
	var buf bytes.Buffer
	if err := LocationLabels(&buf, locs, LocationLabelOptions{Now: fixedNow}); err != nil {
		tb.Fatalf("LocationLabels: %v", err)
	}
	return mustWritePDF(tb, buf.Bytes())
}

func TestLocationLabels_Barcodes(t *testing.T) {
	locs := aisle(26)
	locs[25].Code = "RECV-DOCK-01"
	path := MustRenderLocations(t, locs)
	if got := pageSizes(t, path); strings.Join(got, "|") != "595.28 x 841.89|595.28 x 841.89" {
		t.Fatalf("26 labels on pages %q, want two A4 sheets", got)
	}
	sheet := locationSheetA4()
	for page, idx := range map[int][]int{1: {0, 1, 2, 3, 10, 21, 22, 23}, 2: {24, 25}} {
		img := MustPage(t, path, page)
		for _, i := range idx {
			got, err := decodeIn(t, img, sheet.cell(i), oned.NewCode128Reader())
			if err != nil || got != locs[i].Code {
				t.Errorf("label %d reads %q (%v), want %q", i+1, got, err, locs[i].Code)
			}
		}
	}
}

func TestLocationLabels_Text(t *testing.T) {
	locs := aisle(4)
	locs[3].Zone, locs[3].WalkSequence = "", 0
	text := MustText(t, MustRenderLocations(t, locs))
	for _, want := range []string{`A-01-01-1`, `A-01-01-4`, `ゾーン A\s+順路 10`, `ゾーン A\s+順路 30`} {
		if !regexp.MustCompile(want).MatchString(text) {
			t.Errorf("labels lack %q:\n%s", want, text)
		}
	}
	if n := strings.Count(text, "ゾーン"); n != 3 {
		t.Errorf("%d labels name a zone, want 3 (one has none)", n)
	}
	// Labels fill the sheet row by row: the first three share a line.
	if !regexp.MustCompile(`A-01-01-1\s+A-01-01-2\s+A-01-01-3\n`).MatchString(text) {
		t.Errorf("first row:\n%s", text)
	}
}

func TestLocationLabels_Invalid(t *testing.T) {
	for name, locs := range map[string][]soko.Location{
		"none":       nil,
		"empty code": {{Code: "A-01"}, {Code: " "}},
		"kanji code": {{Code: "棚-01"}},
		"too long":   {{Code: strings.Repeat("AbCdEfGh", 4)}},
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := LocationLabels(&buf, locs, LocationLabelOptions{}); soko.ErrorCode(err) != soko.EINVALID {
				t.Errorf("err = %v, want %s", err, soko.EINVALID)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes", buf.Len())
			}
		})
	}
}
