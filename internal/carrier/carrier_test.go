package carrier

import (
	"slices"
	"strings"
	"testing"

	"github.com/soko-wms/soko/internal/soko"
)

func mustFind(tb testing.TB, code string) *Carrier {
	tb.Helper()
	c, ok := Find(code)
	if !ok {
		tb.Fatalf("Find(%q): not found", code)
	}
	return c
}

// TestTable guards edits of the data: whatever gets corrected, the table must
// stay consistent with the rules the code relies on.
func TestTable(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range carriers {
		t.Run(c.Code, func(t *testing.T) {
			if c.Code == "" || c.Name.JA == "" || c.Name.EN == "" {
				t.Errorf("code, name and English name are required: %+v", c)
			}
			if seen[c.Code] {
				t.Errorf("carrier code %q twice", c.Code)
			}
			seen[c.Code] = true
			if c.TrackingURLTemplate != "" && !strings.Contains(c.TrackingURLTemplate, "{number}") {
				t.Errorf("tracking URL %q has no {number}", c.TrackingURLTemplate)
			}
			if c.TrackingDigits != 0 && c.TrackingDigits < 2 {
				t.Errorf("TrackingDigits %d leaves no room for a check digit", c.TrackingDigits)
			}
			if len(c.Services) == 0 {
				t.Error("no services")
			}
			codes := map[string]bool{}
			for _, s := range c.Services {
				if s.Code == "" || s.Name.JA == "" || s.Name.EN == "" {
					t.Errorf("service code, name and English name are required: %+v", s)
				}
				if codes[s.Code] {
					t.Errorf("service code %q twice", s.Code)
				}
				codes[s.Code] = true
				if s.Thin && s.COD {
					t.Errorf("%s: a thin service cannot collect COD", s.Code)
				}
				if !s.COD && s.MaxCODAmount != 0 {
					t.Errorf("%s: MaxCODAmount without COD", s.Code)
				}
				if s.MaxCODAmount < 0 {
					t.Errorf("%s: negative MaxCODAmount", s.Code)
				}
				if !slices.IsSorted(s.SizeClasses) {
					t.Errorf("%s: size classes %v not ascending", s.Code, s.SizeClasses)
				}
			}
			slotCodes := map[string]soko.TimeSlot{}
			for slot, code := range c.Slots {
				if !slot.Valid() {
					t.Errorf("slot %q is not one of soko's", slot)
				}
				if code == "" {
					t.Errorf("slot %q maps to an empty code", slot)
				}
				if other, ok := slotCodes[code]; ok {
					t.Errorf("code %q used for both %q and %q", code, other, slot)
				}
				slotCodes[code] = slot
			}
		})
	}
}

func TestSlotCode(t *testing.T) {
	all := append([]soko.TimeSlot{soko.SlotNone}, sokoSlots...)
	tests := []struct {
		carrier string
		want    map[soko.TimeSlot]string // missing slot: not delivered in
	}{
		{"yamato", map[soko.TimeSlot]string{
			soko.SlotNone: "", soko.SlotMorning: "0812",
			soko.Slot14To16: "1416", soko.Slot16To18: "1618", soko.Slot18To20: "1820", soko.Slot19To21: "1921",
		}},
		{"sagawa", map[soko.TimeSlot]string{
			soko.SlotNone: "", soko.SlotMorning: "01", soko.Slot12To14: "12",
			soko.Slot14To16: "14", soko.Slot16To18: "16", soko.Slot18To20: "18", soko.Slot19To21: "19",
		}},
		{"japanpost", map[soko.TimeSlot]string{
			soko.SlotNone: "00", soko.SlotMorning: "51", soko.Slot12To14: "52",
			soko.Slot14To16: "53", soko.Slot16To18: "54", soko.Slot18To20: "55", soko.Slot19To21: "57",
		}},
		{"generic", map[soko.TimeSlot]string{soko.SlotNone: ""}},
	}
	for _, tt := range tests {
		c := mustFind(t, tt.carrier)
		for _, slot := range all {
			t.Run(tt.carrier+"/"+string(slot), func(t *testing.T) {
				want, wantOK := tt.want[slot]
				got, ok := c.SlotCode(slot)
				if got != want || ok != wantOK {
					t.Errorf("SlotCode(%q) = %q, %v; want %q, %v", slot, got, ok, want, wantOK)
				}
			})
		}
	}
	if _, ok := mustFind(t, "yamato").SlotCode("20-21"); ok {
		t.Error(`SlotCode("20-21"), not a soko slot, was accepted`)
	}
}

func TestFind(t *testing.T) {
	c := mustFind(t, "yamato")
	if c.Name.JA != "ヤマト運輸" || c.TrackingDigits != 12 {
		t.Errorf("yamato = %+v", c)
	}
	for _, code := range []string{"", "Yamato", "fedex"} {
		if c, ok := Find(code); ok || c != nil {
			t.Errorf("Find(%q) = %v, %v; want nil, false", code, c, ok)
		}
	}
}

// TestFind_Copy checks that what Find hands out cannot change the table.
func TestFind_Copy(t *testing.T) {
	c := mustFind(t, "yamato")
	c.Name.JA = "x"
	c.Slots[soko.Slot12To14] = "1214"
	c.Services[0].COD = true
	c.Services[0].SizeClasses[0] = 1
	for _, a := range All() {
		a.Services[0].Code = "x"
	}

	c = mustFind(t, "yamato")
	if c.Name.JA != "ヤマト運輸" {
		t.Errorf("name changed to %q", c.Name.JA)
	}
	if _, ok := c.SlotCode(soko.Slot12To14); ok {
		t.Error("slot added through a copy")
	}
	if s := c.Services[0]; s.Code != "takkyubin" || s.COD || s.SizeClasses[0] != 60 {
		t.Errorf("service changed through a copy: %+v", s)
	}
}

func TestAll(t *testing.T) {
	var codes []string
	for _, c := range All() {
		codes = append(codes, c.Code)
	}
	if want := []string{"generic", "japanpost", "sagawa", "yamato"}; !slices.Equal(codes, want) {
		t.Errorf("All() codes = %v, want %v", codes, want)
	}
}

func TestCarrier_Service(t *testing.T) {
	tests := []struct {
		carrier, service string
		ok, cod, thin    bool
		max              int64
	}{
		{"yamato", "takkyubin", true, false, false, 0},
		{"yamato", "collect", true, true, false, 300000},
		{"yamato", "compact", true, false, false, 0},
		{"yamato", "nekopos", true, false, true, 0},
		{"yamato", "time", true, false, false, 0},
		{"yamato", "yupack", false, false, false, 0},
		{"sagawa", "hikyaku", true, true, false, 300000},
		{"japanpost", "yupack", true, true, false, 300000},
		{"japanpost", "yupacket", true, false, true, 0},
		{"generic", "standard", true, false, false, 0},
		{"generic", "", false, false, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.carrier+"/"+tt.service, func(t *testing.T) {
			s, ok := mustFind(t, tt.carrier).Service(tt.service)
			if ok != tt.ok {
				t.Fatalf("Service(%q) ok = %v, want %v", tt.service, ok, tt.ok)
			}
			if !ok {
				return
			}
			if s.Code != tt.service || s.COD != tt.cod || s.Thin != tt.thin || s.MaxCODAmount != tt.max {
				t.Errorf("Service(%q) = %+v", tt.service, s)
			}
		})
	}
}

func TestCarrier_TrackingURL(t *testing.T) {
	tests := []struct {
		carrier, number, want string
	}{
		{"yamato", "123456789013", "https://jizen.kuronekoyamato.co.jp/jizen/servlet/crjz.b.NQ0010?id=123456789013"},
		{"sagawa", " 123456789013\n", "https://k2k.sagawa-exp.co.jp/p/web/okurijosearch.do?okurijoNo=123456789013"},
		{"japanpost", "123456789013", "https://trackings.post.japanpost.jp/services/srv/search/direct?reqCodeNo1=123456789013&locale=ja"},
		// Whatever a number holds stays inside its query parameter.
		{"yamato", "1&x=2 #3", "https://jizen.kuronekoyamato.co.jp/jizen/servlet/crjz.b.NQ0010?id=1%26x%3D2+%233"},
		{"yamato", "", ""},
		{"generic", "ABC-123", ""},
	}
	for _, tt := range tests {
		t.Run(tt.carrier+"/"+tt.number, func(t *testing.T) {
			if got := mustFind(t, tt.carrier).TrackingURL(tt.number); got != tt.want {
				t.Errorf("TrackingURL(%q) = %q, want %q", tt.number, got, tt.want)
			}
		})
	}
}
