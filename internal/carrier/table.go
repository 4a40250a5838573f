package carrier

import "github.com/soko-wms/soko/internal/soko"

// carriers is the carrier table. Values marked "verify" come from sources
// that disagreed (carriers.md); correct them here, and the table test checks
// that the edit is still consistent.
var carriers = []Carrier{
	{
		Code:                "yamato",
		Name:                soko.Text{JA: "ヤマト運輸", EN: "Yamato Transport"},
		TrackingURLTemplate: "https://jizen.kuronekoyamato.co.jp/jizen/servlet/crjz.b.NQ0010?id={number}",
		TrackingDigits:      12,
		Services: []Service{
			{Code: "takkyubin", Name: soko.Text{JA: "宅急便", EN: "TA-Q-BIN"}, Cool: true, CODService: "collect",
				SizeClasses: []int{60, 80, 100, 120, 140, 160, 180, 200}}, // verify: 180/200 exist since 2021, not with cool
			// コレクト is its own 送り状種類 in B2 (2), so COD is a service of its
			// own rather than an option of 宅急便. Verify: 300,000 yen is the
			// limit for cash; card and e-money limits are lower.
			{Code: "collect", Name: soko.Text{JA: "宅急便コレクト", EN: "TA-Q-BIN Collect"}, COD: true, MaxCODAmount: 300000, Cool: true,
				SizeClasses: []int{60, 80, 100, 120, 140, 160, 180, 200}},
			{Code: "compact", Name: soko.Text{JA: "宅急便コンパクト", EN: "TA-Q-BIN Compact"}}, // a special box, not a size class
			{Code: "nekopos", Name: soko.Text{JA: "ネコポス", EN: "Nekopos"}, Thin: true},
			{Code: "time", Name: soko.Text{JA: "タイムサービス", EN: "Time Service"},
				SizeClasses: []int{60, 80, 100, 120, 140, 160}}, // verify sizes
		},
		// B2 codes. Yamato dropped 12–14 (1214) in 2017 and turned 20–21 (2021)
		// into 19–21 (1921); 18–20 (1820) is still offered beside it.
		Slots: map[soko.TimeSlot]string{
			soko.SlotMorning: "0812",
			soko.Slot14To16:  "1416",
			soko.Slot16To18:  "1618",
			soko.Slot18To20:  "1820",
			soko.Slot19To21:  "1921",
		},
	},
	{
		Code:                "sagawa",
		Name:                soko.Text{JA: "佐川急便", EN: "Sagawa Express"},
		TrackingURLTemplate: "https://k2k.sagawa-exp.co.jp/p/web/okurijosearch.do?okurijoNo={number}",
		TrackingDigits:      12,
		Services: []Service{
			// COD is e-コレクト, an option of 飛脚宅配便. Verify: 300,000 yen is
			// the conservative cash limit; SG Systems advertises higher amounts,
			// and above 500,000 yen Sagawa must approve each parcel.
			{Code: "hikyaku", Name: soko.Text{JA: "飛脚宅配便", EN: "Hikyaku Takuhaibin"}, COD: true, MaxCODAmount: 300000, Cool: true,
				SizeClasses: []int{60, 80, 100, 140, 160, 170}}, // Sagawa has no 120; verify the larger sizes added since 2023
		},
		// e飛伝 codes (carriers.md; unverified against a current layout).
		// 18 and 19 are the 6-slot option contract's; a standard 5-slot
		// account takes 04 for 18–21 instead (carriers.md, 2026-12), which
		// Export writes unless the Sagawa account has the option
		// (account.go).
		Slots: map[soko.TimeSlot]string{
			soko.SlotMorning: "01",
			soko.Slot12To14:  "12",
			soko.Slot14To16:  "14",
			soko.Slot16To18:  "16",
			soko.Slot18To20:  "18",
			soko.Slot19To21:  "19",
		},
	},
	{
		Code:                "japanpost",
		Name:                soko.Text{JA: "日本郵便", EN: "Japan Post"},
		TrackingURLTemplate: "https://trackings.post.japanpost.jp/services/srv/search/direct?reqCodeNo1={number}&locale=ja",
		TrackingDigits:      12,
		Services: []Service{
			// Verify: some sources give a higher 代引 limit for ゆうパック.
			{Code: "yupack", Name: soko.Text{JA: "ゆうパック", EN: "Yu-Pack"}, COD: true, MaxCODAmount: 300000, Cool: true,
				SizeClasses: []int{60, 80, 100, 120, 140, 160, 170}},
			{Code: "yupacket", Name: soko.Text{JA: "ゆうパケット", EN: "Yu-Packet"}, Thin: true},
		},
		// ゆうプリR 配達時間帯区分. Only 00 and 52 were confirmed; verify the rest.
		Slots: map[soko.TimeSlot]string{
			soko.SlotNone:    "00",
			soko.SlotMorning: "51",
			soko.Slot12To14:  "52",
			soko.Slot14To16:  "53",
			soko.Slot16To18:  "54",
			soko.Slot18To20:  "55",
			soko.Slot19To21:  "57",
		},
	},
	{
		// generic is any other carrier: the warehouse types its free-form
		// tracking number, and soko has no page, slots or COD for it.
		Code: "generic",
		Name: soko.Text{JA: "その他", EN: "Other carrier"},
		Services: []Service{
			{Code: "standard", Name: soko.Text{JA: "通常便", EN: "Standard"}},
		},
	},
}
