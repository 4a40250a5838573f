package carrier

import (
	"strings"
	"testing"

	"github.com/soko-wms/soko/internal/soko"
)

// TestImportIssued_FieldCount: a line with more or fewer fields than the
// header is named, not read with its columns shifted; blank lines are not.
func TestImportIssued_FieldCount(t *testing.T) {
	n, m := trackingNumber(t, 1), trackingNumber(t, 2)
	file := "お客様管理番号,伝票番号\r\nA1P7," + n + "\r\nA1P8," + m + ",x\r\nA1P9\r\n,\r\n , \r\n"
	issued, problems, err := ImportIssued(strings.NewReader(file), "yamato")
	if err != nil {
		t.Fatal(err)
	}
	if len(issued) != 1 || issued[0].ParcelID != 7 {
		t.Errorf("issued %+v, want line 2 only", issued)
	}
	if len(problems) != 2 || problems[0].Row != 3 || problems[1].Row != 4 ||
		!strings.Contains(problems[0].Message.JA, "この行は3列ですが、見出し行は2列です") ||
		!strings.Contains(problems[1].Message.EN, "the line has 1 fields but the header has 2") {
		t.Errorf("problems %+v, want lines 3 and 4", problems)
	}
}

// TestTaken: a number another parcel holds, of any carrier, or one in
// another carrier's registered range, is refused; the parcel's own number
// and numbers no range claims are not.
func TestTaken(t *testing.T) {
	const jp = "118633020004" // in Japan Post's range below; mod 7 passes as Yamato's too
	own := trackingNumber(t, 3)
	ranges := []soko.TrackingRange{
		{Carrier: "japanpost", First: 11_863_302_000, Last: 11_863_311_999},
		{Carrier: "yamato", First: 43_801_254_000, Last: 43_801_263_999},
	}
	tests := []struct {
		name    string
		is      Issued
		holders []soko.Parcel
		ranges  []soko.TrackingRange
		want    string // "" for no problem
	}{
		{"a Japan Post parcel's number", Issued{Row: 2, ParcelID: 7, TrackingNumber: jp},
			[]soko.Parcel{{ID: 9, OrderID: 5, Carrier: "japanpost", TrackingNumber: jp}}, ranges, "日本郵便の注文 JP-5 の荷物にすでに使われています"},
		{"a Yamato parcel's number", Issued{Row: 2, ParcelID: 7, TrackingNumber: own},
			[]soko.Parcel{{ID: 9, OrderID: 5, Carrier: "yamato", TrackingNumber: own[:4] + "-" + own[4:]}}, nil, "ヤマト運輸の注文 JP-5"},
		{"in Japan Post's range", Issued{Row: 2, ParcelID: 7, TrackingNumber: jp}, nil, ranges, "日本郵便の番号帯"},
		{"its own number again", Issued{Row: 2, ParcelID: 7, TrackingNumber: own},
			[]soko.Parcel{{ID: 7, OrderID: 5, Carrier: "yamato", TrackingNumber: own}}, ranges, ""},
		{"in no range", Issued{Row: 2, ParcelID: 7, TrackingNumber: own}, nil, ranges, ""},
		{"ranges that overlap say nothing", Issued{Row: 2, ParcelID: 7, TrackingNumber: jp}, nil,
			append(ranges, soko.TrackingRange{Carrier: "yamato", First: 11_863_300_000, Last: 11_863_309_999}), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			problems := Taken("yamato", []Issued{tt.is}, tt.holders, map[int64]string{5: "JP-5"}, tt.ranges)
			if tt.want == "" {
				if len(problems) != 0 {
					t.Errorf("problems %+v, want none", problems)
				}
				return
			}
			if len(problems) != 1 || problems[0].Row != 2 || problems[0].Field != "伝票番号" ||
				!strings.Contains(problems[0].Message.JA, tt.want) || problems[0].Message.EN == "" {
				t.Errorf("problems %+v, want one on row 2 with %q", problems, tt.want)
			}
		})
	}
}
