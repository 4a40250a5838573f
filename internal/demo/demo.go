// Package demo builds the demo warehouse that `soko serve --demo` seeds on
// first start: two merchants, staff for every role, products, locations,
// stock and open orders. Everything is fixed data, so every start shows the
// same warehouse and a demo script can name real SKUs, badges and orders.
package demo

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/soko-wms/soko/internal/address"
	"github.com/soko-wms/soko/internal/carrier"
	"github.com/soko-wms/soko/internal/soko"
)

// Merchant codes, used by every table below to say whose row it is.
const (
	sakura = "SAKURA"
	midori = "MIDORI"
)

// Warehouse returns the demo warehouse as of now. Dates that must lie in the
// future (lot expiries, requested delivery dates) count days from now's date
// in Japan and are calendar dates at midnight UTC; everything else is fixed,
// so two calls with the same now return equal seeds. The seed shares no
// memory with the package's tables or with other calls' seeds.
func Warehouse(now time.Time) *soko.Seed {
	today := japaneseDate(now)
	s := &soko.Seed{
		Locations: append([]soko.Location(nil), locations...),
		BoxTypes:  append([]soko.BoxType(nil), boxTypes...),
		// The warehouse's own contracts, with made-up codes: B2クラウド's
		// billing values, and Sagawa's standard five slots.
		CarrierAccounts: []soko.CarrierAccount{
			{Carrier: "yamato", BillingCode: "0312345678", FreightNumber: "01"},
			{Carrier: "sagawa"},
		},
	}
	for _, m := range merchants {
		m.CreatedAt = now
		s.Merchants = append(s.Merchants, m)
	}
	// Rate cards from last month, so both months the statements list open
	// are priced: this month's draft bills the day's shipped orders.
	from := soko.MonthOf(soko.MonthOf(now).Start().AddDate(0, 0, -1))
	for _, code := range []string{sakura, midori} {
		c := demoRateCard
		c.From, c.Boxes, c.Fixed = from, maps.Clone(demoRateCard.Boxes), slices.Clone(demoRateCard.Fixed)
		s.RateCards = append(s.RateCards, soko.SeedRateCard{MerchantCode: code, RateCard: c})
	}
	for _, st := range staff {
		s.Staff = append(s.Staff, soko.SeedStaff{
			Staff: soko.Staff{BadgeCode: st.badge, Name: st.name, Role: st.role, Active: true, CreatedAt: now},
			PIN:   st.pin,
		})
	}
	type key struct{ merchant, sku string }
	bySKU := make(map[key]productRow, len(products))
	owner := make(map[string]string, len(products)) // demo SKUs are unique across merchants
	for _, p := range products {
		sp := soko.SeedProduct{MerchantCode: p.merchant, Product: soko.Product{
			SKU:         p.sku,
			Name:        p.name,
			Price:       p.price,
			TaxRate:     p.taxRate,
			WeightGrams: p.grams,
			LengthMM:    p.lengthMM,
			WidthMM:     p.widthMM,
			HeightMM:    p.heightMM,
			TrackLot:    p.tracked,
			TrackExpiry: p.tracked,
			Barcodes:    []soko.ProductBarcode{{Code: p.jan, PackQuantity: 1}},
			UpdatedAt:   now,
		}}
		if p.caseCode != "" {
			sp.Barcodes = append(sp.Barcodes, soko.ProductBarcode{Code: p.caseCode, PackQuantity: p.casePack})
		}
		s.Products = append(s.Products, sp)
		bySKU[key{p.merchant, p.sku}] = p
		owner[p.sku] = p.merchant
	}
	for _, r := range stock {
		st := soko.SeedStock{MerchantCode: owner[r.sku], SKU: r.sku, LocationCode: r.location,
			Stock: soko.Stock{OnHand: r.onHand}}
		if r.lot != "" {
			st.Expiry = today.AddDate(0, 0, r.expiresIn)
			// The lot names the best-before month, as many food makers print it.
			st.Lot = "L" + st.Expiry.Format("0601") + r.lot
		}
		s.Stock = append(s.Stock, st)
	}
	for i, o := range orders {
		// Orders arrived over the last hours, the first one earliest.
		at := now.Add(-time.Duration(len(orders)-i) * 11 * time.Minute)
		so := soko.SeedOrder{MerchantCode: o.merchant, Order: soko.Order{
			Number:    o.number,
			Status:    soko.OrderReceived,
			Recipient: o.to,
			Carrier:   o.carrier,
			Service:   o.service,
			TimeSlot:  o.slot,
			Gift:      soko.GiftOptions{HidePrices: o.gift, Wrap: o.gift},
			Note:      o.note,
			CreatedAt: at,
			UpdatedAt: at,
		}}
		if o.deliverIn > 0 {
			so.DeliveryDate = today.AddDate(0, 0, o.deliverIn)
		}
		var total int64
		for _, l := range o.lines {
			p := bySKU[key{o.merchant, l.sku}]
			so.Lines = append(so.Lines, soko.OrderLine{SKU: l.sku, Quantity: l.qty, UnitPrice: p.price, TaxRate: p.taxRate})
			total += p.price * int64(l.qty)
		}
		if o.cod {
			so.ShippingFee, so.CODFee = codShippingFee, codFee
			so.CODAmount = total + codShippingFee + codFee
		}
		s.Orders = append(s.Orders, so)
	}
	for _, k := range apiKeys {
		s.APIKeys = append(s.APIKeys, soko.SeedAPIKey{MerchantCode: k.merchant, Name: "デモ", Secret: k.secret})
	}
	for _, u := range portalUsers {
		s.PortalUsers = append(s.PortalUsers, soko.SeedPortalUser{MerchantCode: u.merchant,
			PortalUser: soko.PortalUser{Email: u.email, Name: u.name, Role: soko.PortalOwner}, Password: u.password})
	}
	return s
}

// Refusals says why the merchant API would refuse the order — its address
// (address.Check), its shipping choices and amounts (carrier.Validate and
// CheckRecipient) and the domain's rules (soko.AcceptOrder, the delivery
// date not checked), the checks the API makes besides looking up SKUs and
// planning the ship date — or returns nil. The demo creates no order the
// API would refuse: a demo that prints a COD label the API could never have
// accepted teaches the floor the wrong thing.
func Refusals(o *soko.Order) []string {
	var why []string
	for _, p := range address.Check(o.Recipient, "ship_to") {
		why = append(why, p.Field+": "+p.Message.JA)
	}
	for _, p := range carrier.Validate(o) {
		why = append(why, p.Field+": "+p.Message.JA)
	}
	for _, p := range carrier.CheckRecipient(o.Carrier, o.Recipient) {
		why = append(why, p.Field+": "+p.Message.JA)
	}
	for _, p := range soko.AcceptOrder(o, time.Time{}) {
		why = append(why, p.Field+": "+p.Message.JA)
	}
	return why
}

func refusal(o *soko.Order) string { return strings.Join(Refusals(o), "; ") }

// japaneseDate is now's calendar date in Japan, at midnight UTC. A fixed
// offset instead of time.LoadLocation keeps it independent of the host's
// time zone database; Japan has no daylight saving time.
func japaneseDate(now time.Time) time.Time {
	y, m, d := now.In(soko.JST).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// merchants are a zakka (雑貨) shop in Tokyo and a tea and food shop in Shizuoka.
var merchants = []soko.Merchant{
	{
		Code: sakura,
		Name: "さくら雑貨店",
		Sender: soko.Address{
			PostalCode: "1110051", Prefecture: "東京都", City: "台東区", Street: "蔵前2-14-8",
			Building: "蔵前さくらビル3F", Name: "さくら雑貨店", Phone: "03-5822-4410", Email: "shop@sakura-zakka.example.jp",
		},
		SlipMessage: "このたびはさくら雑貨店をご利用いただき、誠にありがとうございます。商品に不備がございましたら、到着後7日以内にご連絡ください。",
	},
	{
		Code: midori,
		Name: "みどり食品",
		Sender: soko.Address{
			PostalCode: "4200031", Prefecture: "静岡県", City: "静岡市葵区", Street: "呉服町2-5-12",
			Name: "みどり食品株式会社", Phone: "054-255-7720", Email: "order@midori-foods.example.jp",
		},
		SlipMessage: "毎度ありがとうございます。食品のため、お届け後はお早めにお召し上がりください。賞味期限は各商品に記載しております。",
	},
}

// staffRow is a demo staff member; the PINs are printed at start-up, and
// keep the rules a real warehouse's PINs must (soko.CheckNewPIN).
type staffRow struct {
	badge string
	name  string
	role  soko.Role
	pin   string
}

// staff has someone for every role, two pickers so waves can be shared.
var staff = []staffRow{
	{"P001", "田中 翔太", soko.RolePicker, "7294"},
	{"P002", "鈴木 美咲", soko.RolePicker, "3816"},
	{"K001", "佐藤 健一", soko.RolePacker, "5927"},
	{"S001", "高橋 陽菜", soko.RoleShipper, "468213"},
	{"V001", "伊藤 誠", soko.RoleSupervisor, "731946"},
	{"A001", "渡辺 直子", soko.RoleAdmin, "852073"},
}

// productRow is a product with its JAN and, for products sold by the case
// too, the case's ITF-14 (indicator 1, the JAN's first 12 digits, a new check
// digit) and how many units the case holds. Tracked products carry lots with
// expiry dates.
type productRow struct {
	merchant string
	sku      string
	name     string
	price    int64 // yen, tax included
	taxRate  int
	grams    int
	lengthMM int
	widthMM  int
	heightMM int
	jan      string
	caseCode string
	casePack int
	tracked  bool
}

// products are goods at 10 % and food at the reduced 8 % rate (軽減税率).
var products = []productRow{
	// merchant, sku, name, price, tax, g, length, width, height mm, JAN, ITF-14, pack, lot+expiry
	{sakura, "SKR-0001", "今治フェイスタオル 白", 1320, 10, 90, 340, 200, 25, "4560123000012", "", 0, false},
	{sakura, "SKR-0002", "今治フェイスタオル 藍", 1320, 10, 90, 340, 200, 25, "4560123000029", "", 0, false},
	{sakura, "SKR-0003", "今治バスタオル 白", 3300, 10, 360, 300, 220, 70, "4560123000036", "", 0, false},
	{sakura, "SKR-0004", "波佐見焼 マグカップ 藍", 2200, 10, 320, 120, 90, 95, "4560123000043", "14560123000040", 6, false},
	{sakura, "SKR-0005", "波佐見焼 マグカップ 桜", 2200, 10, 320, 120, 90, 95, "4560123000050", "14560123000057", 6, false},
	{sakura, "SKR-0006", "美濃焼 豆皿 5枚セット", 1980, 10, 420, 160, 110, 60, "4560123000067", "", 0, false},
	{sakura, "SKR-0007", "A5 方眼ノート", 330, 10, 150, 210, 148, 8, "4560123000074", "", 0, false},
	{sakura, "SKR-0008", "B5 大学ノート 5冊パック", 550, 10, 560, 257, 182, 30, "4560123000081", "14560123000088", 12, false},
	{sakura, "SKR-0009", "ボールペン 0.5mm 黒", 165, 10, 10, 145, 12, 12, "4560123000098", "14560123000095", 12, false},
	{sakura, "SKR-0010", "付箋 桜柄", 385, 10, 40, 80, 80, 12, "4560123000104", "", 0, false},
	{sakura, "SKR-0011", "手ぬぐい 富士山", 1100, 10, 60, 250, 110, 10, "4560123000111", "", 0, false},
	{sakura, "SKR-0012", "風呂敷 綿 70cm", 2750, 10, 120, 230, 170, 15, "4560123000128", "", 0, false},
	{sakura, "SKR-0013", "若狭塗 箸", 1650, 10, 30, 240, 40, 20, "4560123000135", "", 0, false},
	{sakura, "SKR-0014", "箸置き 5個セット", 1430, 10, 150, 130, 90, 30, "4560123000142", "", 0, false},
	{sakura, "SKR-0015", "有田焼 湯呑み", 1870, 10, 240, 90, 90, 95, "4560123000159", "", 0, false},
	{sakura, "SKR-0016", "常滑焼 急須", 4950, 10, 620, 190, 130, 110, "4560123000166", "", 0, false},
	{sakura, "SKR-0017", "竹製 弁当箱", 3080, 10, 210, 180, 110, 60, "4560123000173", "", 0, false},
	{sakura, "SKR-0018", "ステンレス タンブラー 350ml", 2640, 10, 280, 85, 85, 140, "4560123000180", "", 0, false},
	{sakura, "SKR-0019", "アロマキャンドル 檜", 1980, 10, 230, 80, 80, 90, "4560123000197", "", 0, false},
	{sakura, "SKR-0020", "お香 白檀 30本入", 880, 10, 50, 150, 45, 20, "4560123000203", "", 0, false},
	{sakura, "SKR-0021", "がま口ポーチ 小紋", 1540, 10, 70, 150, 100, 40, "4560123000210", "", 0, false},
	{sakura, "SKR-0022", "折りたたみ エコバッグ", 990, 10, 60, 120, 80, 25, "4560123000227", "", 0, false},
	{sakura, "SKR-0023", "ハンドクリーム 柚子", 770, 10, 55, 120, 50, 25, "4560123000234", "14560123000231", 24, false},
	{sakura, "SKR-0024", "マスキングテープ 3巻セット", 660, 10, 45, 110, 40, 15, "4560123000241", "", 0, false},
	{sakura, "SKR-0025", "和紙 一筆箋", 440, 10, 60, 175, 85, 8, "4560123000258", "", 0, false},
	{sakura, "SKR-0026", "ぽち袋 10枚入", 330, 10, 20, 120, 80, 3, "4560123000265", "", 0, false},
	{sakura, "SKR-0027", "木製コースター 4枚組", 1210, 10, 110, 110, 110, 25, "4560123000272", "", 0, false},
	{sakura, "SKR-0028", "信楽焼 一輪挿し", 3520, 10, 480, 100, 100, 160, "4560123000289", "", 0, false},
	{sakura, "SKR-0029", "帆布 文庫ブックカバー", 1760, 10, 50, 160, 115, 10, "4560123000296", "", 0, false},
	{sakura, "SKR-0030", "金魚柄 うちわ", 880, 10, 40, 380, 240, 10, "4560123000302", "", 0, false},
	{midori, "MDR-0001", "静岡煎茶 100g", 1080, 8, 110, 180, 120, 30, "4970123000019", "", 0, true},
	{midori, "MDR-0002", "緑茶ティーバッグ 2g×50袋", 864, 8, 140, 200, 140, 60, "4970123000026", "", 0, true},
	{midori, "MDR-0003", "ほうじ茶ティーバッグ 30袋", 648, 8, 80, 180, 120, 50, "4970123000033", "", 0, false},
	{midori, "MDR-0004", "玄米茶 200g", 540, 8, 210, 220, 130, 40, "4970123000040", "", 0, false},
	{midori, "MDR-0005", "宇治抹茶 30g 缶", 1620, 8, 110, 75, 75, 80, "4970123000057", "", 0, false},
	{midori, "MDR-0006", "濃口醤油 1L", 432, 8, 1200, 90, 90, 260, "4970123000064", "14970123000061", 12, true},
	{midori, "MDR-0007", "薄口醤油 500ml", 378, 8, 620, 70, 70, 200, "4970123000071", "", 0, false},
	{midori, "MDR-0008", "米味噌 750g", 540, 8, 800, 140, 110, 80, "4970123000088", "", 0, true},
	{midori, "MDR-0009", "西京白味噌 500g", 648, 8, 540, 130, 100, 70, "4970123000095", "", 0, false},
	{midori, "MDR-0010", "新潟県産コシヒカリ 米 2kg", 1980, 8, 2000, 300, 200, 60, "4970123000101", "", 0, false},
	{midori, "MDR-0011", "新潟県産コシヒカリ 米 5kg", 4320, 8, 5000, 400, 270, 80, "4970123000118", "", 0, false},
	{midori, "MDR-0012", "かつお削り節 5g×10袋", 540, 8, 80, 230, 150, 40, "4970123000125", "", 0, false},
	{midori, "MDR-0013", "有明海産 焼海苔 全形10枚", 756, 8, 40, 220, 200, 10, "4970123000132", "", 0, false},
	{midori, "MDR-0014", "紀州南高梅 梅干し 300g", 1944, 8, 380, 130, 130, 70, "4970123000149", "", 0, true},
	{midori, "MDR-0015", "カップ味噌汁 6食", 518, 8, 150, 250, 90, 90, "4970123000156", "14970123000153", 6, false},
	{midori, "MDR-0016", "レトルトカレー 中辛", 324, 8, 230, 180, 125, 25, "4970123000163", "", 0, true},
	{midori, "MDR-0017", "播州 手延べそうめん 250g", 378, 8, 260, 210, 60, 30, "4970123000170", "", 0, false},
	{midori, "MDR-0018", "大分県産 乾しいたけ 50g", 972, 8, 70, 200, 150, 60, "4970123000187", "", 0, false},
	{midori, "MDR-0019", "北海道産 日高昆布 100g", 864, 8, 110, 300, 130, 20, "4970123000194", "", 0, false},
	{midori, "MDR-0020", "沖縄 黒糖 300g", 410, 8, 310, 180, 120, 40, "4970123000200", "", 0, false},
	{midori, "MDR-0021", "本みりん 500ml", 540, 10, 650, 70, 70, 210, "4970123000217", "", 0, false},
	{midori, "MDR-0022", "純米酢 500ml", 324, 8, 600, 70, 70, 210, "4970123000224", "", 0, false},
	{midori, "MDR-0023", "純正ごま油 200g", 486, 8, 300, 55, 55, 170, "4970123000231", "", 0, false},
	{midori, "MDR-0024", "手焼き 醤油煎餅 12枚", 432, 8, 180, 200, 110, 60, "4970123000248", "", 0, false},
	{midori, "MDR-0025", "栗羊羹 1本", 1296, 8, 330, 210, 60, 40, "4970123000255", "", 0, true},
	{midori, "MDR-0026", "あられ 詰め合わせ", 648, 8, 160, 220, 160, 70, "4970123000262", "", 0, false},
	{midori, "MDR-0027", "国産 はちみつ 250g", 2160, 8, 370, 70, 70, 110, "4970123000279", "", 0, false},
	{midori, "MDR-0028", "柚子ぽん酢 360ml", 486, 8, 480, 65, 65, 200, "4970123000286", "", 0, false},
	{midori, "MDR-0029", "七味唐辛子 15g", 302, 8, 30, 45, 45, 90, "4970123000293", "", 0, false},
	{midori, "MDR-0030", "静岡 緑茶 ペットボトル 500ml", 151, 8, 530, 65, 65, 210, "4970123000309", "14970123000306", 24, true},
}

// stockRow is units of a product at a location. A tracked product's row
// names its lot by a letter and says in how many days the lot expires; the
// lot code and date are made from that and the day of the demo.
type stockRow struct {
	sku       string
	location  string
	lot       string
	expiresIn int
	onHand    int
}

// stock puts every product on a pick shelf, goods in zone A and food in
// zone B, with overstock of fast movers in reserve. 急須 (SKR-0016) and
// はちみつ (MDR-0027) are short, so two orders wait for stock.
var stock = []stockRow{
	{"SKR-0001", "A-01-01-1", "", 0, 60},
	{"SKR-0002", "A-01-01-2", "", 0, 48},
	{"SKR-0003", "A-01-02-1", "", 0, 24},
	{"SKR-0003", "R-01-01-1", "", 0, 40},
	{"SKR-0004", "A-01-02-2", "", 0, 30},
	{"SKR-0005", "A-01-03-1", "", 0, 36},
	{"SKR-0006", "A-01-03-2", "", 0, 18},
	{"SKR-0014", "A-01-03-2", "", 0, 25},
	{"SKR-0007", "A-01-04-1", "", 0, 120},
	{"SKR-0025", "A-01-04-1", "", 0, 90},
	{"SKR-0008", "A-01-04-2", "", 0, 48},
	{"SKR-0029", "A-01-04-2", "", 0, 26},
	{"SKR-0009", "A-01-05-1", "", 0, 200},
	{"SKR-0009", "R-01-01-2", "", 0, 144},
	{"SKR-0010", "A-01-05-2", "", 0, 150},
	{"SKR-0024", "A-01-05-2", "", 0, 80},
	{"SKR-0011", "A-02-05-1", "", 0, 45},
	{"SKR-0012", "A-02-05-1", "", 0, 15},
	{"SKR-0013", "A-02-05-2", "", 0, 40},
	{"SKR-0026", "A-02-05-2", "", 0, 180},
	{"SKR-0015", "A-02-04-1", "", 0, 32},
	{"SKR-0016", "A-02-04-2", "", 0, 5},
	{"SKR-0017", "A-02-03-1", "", 0, 20},
	{"SKR-0027", "A-02-03-1", "", 0, 30},
	{"SKR-0018", "A-02-03-2", "", 0, 28},
	{"SKR-0019", "A-02-02-1", "", 0, 35},
	{"SKR-0020", "A-02-02-1", "", 0, 70},
	{"SKR-0021", "A-02-02-2", "", 0, 22},
	{"SKR-0022", "A-02-02-2", "", 0, 65},
	{"SKR-0023", "A-02-01-1", "", 0, 96},
	{"SKR-0030", "A-02-01-1", "", 0, 55},
	{"SKR-0028", "A-02-01-2", "", 0, 8},

	{"MDR-0001", "B-01-01-1", "A", 150, 40},
	{"MDR-0001", "B-01-01-1", "B", 300, 60},
	{"MDR-0002", "B-01-01-2", "A", 120, 30},
	{"MDR-0002", "B-01-01-2", "B", 270, 50},
	{"MDR-0003", "B-01-02-1", "", 0, 45},
	{"MDR-0004", "B-01-02-1", "", 0, 38},
	{"MDR-0005", "B-01-02-2", "", 0, 20},
	{"MDR-0006", "B-01-03-1", "A", 200, 24},
	{"MDR-0006", "B-01-03-1", "B", 420, 36},
	{"MDR-0006", "R-01-02-1", "C", 480, 96},
	{"MDR-0007", "B-01-03-2", "", 0, 30},
	{"MDR-0021", "B-01-03-2", "", 0, 24},
	{"MDR-0008", "B-01-04-1", "A", 60, 12},
	{"MDR-0008", "B-01-04-1", "B", 150, 20},
	{"MDR-0009", "B-01-04-2", "", 0, 16},
	{"MDR-0010", "B-01-05-1", "", 0, 15},
	{"MDR-0010", "R-01-02-2", "", 0, 30},
	{"MDR-0011", "B-01-05-2", "", 0, 8},
	{"MDR-0011", "R-01-03-1", "", 0, 20},
	{"MDR-0012", "B-02-05-1", "", 0, 60},
	{"MDR-0013", "B-02-05-1", "", 0, 75},
	{"MDR-0014", "B-02-05-2", "A", 90, 10},
	{"MDR-0014", "B-02-05-2", "B", 210, 18},
	{"MDR-0014", "B-02-05-2", "C", 330, 24},
	{"MDR-0015", "B-02-04-1", "", 0, 72},
	{"MDR-0024", "B-02-04-1", "", 0, 40},
	{"MDR-0016", "B-02-04-2", "A", 240, 40},
	{"MDR-0016", "B-02-04-2", "B", 600, 60},
	{"MDR-0017", "B-02-03-1", "", 0, 50},
	{"MDR-0018", "B-02-03-1", "", 0, 18},
	{"MDR-0019", "B-02-03-2", "", 0, 25},
	{"MDR-0020", "B-02-03-2", "", 0, 33},
	{"MDR-0022", "B-02-02-1", "", 0, 28},
	{"MDR-0023", "B-02-02-1", "", 0, 26},
	{"MDR-0025", "B-02-02-2", "A", 45, 6},
	{"MDR-0025", "B-02-02-2", "B", 180, 14},
	{"MDR-0026", "B-02-01-1", "", 0, 36},
	{"MDR-0027", "B-02-01-1", "", 0, 6},
	{"MDR-0029", "B-02-01-1", "", 0, 42},
	{"MDR-0028", "B-02-01-2", "", 0, 30},
	{"MDR-0030", "B-02-01-2", "A", 100, 48},
	{"MDR-0030", "R-01-03-2", "B", 220, 96},
}

// locations are two zones of pick shelves walked as one serpentine (aisle 1
// up by bay, aisle 2 back down, then the same in zone B), a reserve rack, and
// the receiving and dock areas. Codes are zone-aisle-bay-level.
var locations = []soko.Location{
	{Code: "A-01-01-1", Zone: "A", WalkSequence: 10, Kind: soko.LocationPick},
	{Code: "A-01-01-2", Zone: "A", WalkSequence: 20, Kind: soko.LocationPick},
	{Code: "A-01-02-1", Zone: "A", WalkSequence: 30, Kind: soko.LocationPick},
	{Code: "A-01-02-2", Zone: "A", WalkSequence: 40, Kind: soko.LocationPick},
	{Code: "A-01-03-1", Zone: "A", WalkSequence: 50, Kind: soko.LocationPick},
	{Code: "A-01-03-2", Zone: "A", WalkSequence: 60, Kind: soko.LocationPick},
	{Code: "A-01-04-1", Zone: "A", WalkSequence: 70, Kind: soko.LocationPick},
	{Code: "A-01-04-2", Zone: "A", WalkSequence: 80, Kind: soko.LocationPick},
	{Code: "A-01-05-1", Zone: "A", WalkSequence: 90, Kind: soko.LocationPick},
	{Code: "A-01-05-2", Zone: "A", WalkSequence: 100, Kind: soko.LocationPick},
	{Code: "A-02-05-1", Zone: "A", WalkSequence: 110, Kind: soko.LocationPick},
	{Code: "A-02-05-2", Zone: "A", WalkSequence: 120, Kind: soko.LocationPick},
	{Code: "A-02-04-1", Zone: "A", WalkSequence: 130, Kind: soko.LocationPick},
	{Code: "A-02-04-2", Zone: "A", WalkSequence: 140, Kind: soko.LocationPick},
	{Code: "A-02-03-1", Zone: "A", WalkSequence: 150, Kind: soko.LocationPick},
	{Code: "A-02-03-2", Zone: "A", WalkSequence: 160, Kind: soko.LocationPick},
	{Code: "A-02-02-1", Zone: "A", WalkSequence: 170, Kind: soko.LocationPick},
	{Code: "A-02-02-2", Zone: "A", WalkSequence: 180, Kind: soko.LocationPick},
	{Code: "A-02-01-1", Zone: "A", WalkSequence: 190, Kind: soko.LocationPick},
	{Code: "A-02-01-2", Zone: "A", WalkSequence: 200, Kind: soko.LocationPick},
	{Code: "B-01-01-1", Zone: "B", WalkSequence: 210, Kind: soko.LocationPick},
	{Code: "B-01-01-2", Zone: "B", WalkSequence: 220, Kind: soko.LocationPick},
	{Code: "B-01-02-1", Zone: "B", WalkSequence: 230, Kind: soko.LocationPick},
	{Code: "B-01-02-2", Zone: "B", WalkSequence: 240, Kind: soko.LocationPick},
	{Code: "B-01-03-1", Zone: "B", WalkSequence: 250, Kind: soko.LocationPick},
	{Code: "B-01-03-2", Zone: "B", WalkSequence: 260, Kind: soko.LocationPick},
	{Code: "B-01-04-1", Zone: "B", WalkSequence: 270, Kind: soko.LocationPick},
	{Code: "B-01-04-2", Zone: "B", WalkSequence: 280, Kind: soko.LocationPick},
	{Code: "B-01-05-1", Zone: "B", WalkSequence: 290, Kind: soko.LocationPick},
	{Code: "B-01-05-2", Zone: "B", WalkSequence: 300, Kind: soko.LocationPick},
	{Code: "B-02-05-1", Zone: "B", WalkSequence: 310, Kind: soko.LocationPick},
	{Code: "B-02-05-2", Zone: "B", WalkSequence: 320, Kind: soko.LocationPick},
	{Code: "B-02-04-1", Zone: "B", WalkSequence: 330, Kind: soko.LocationPick},
	{Code: "B-02-04-2", Zone: "B", WalkSequence: 340, Kind: soko.LocationPick},
	{Code: "B-02-03-1", Zone: "B", WalkSequence: 350, Kind: soko.LocationPick},
	{Code: "B-02-03-2", Zone: "B", WalkSequence: 360, Kind: soko.LocationPick},
	{Code: "B-02-02-1", Zone: "B", WalkSequence: 370, Kind: soko.LocationPick},
	{Code: "B-02-02-2", Zone: "B", WalkSequence: 380, Kind: soko.LocationPick},
	{Code: "B-02-01-1", Zone: "B", WalkSequence: 390, Kind: soko.LocationPick},
	{Code: "B-02-01-2", Zone: "B", WalkSequence: 400, Kind: soko.LocationPick},
	{Code: "R-01-01-1", Zone: "R", WalkSequence: 510, Kind: soko.LocationReserve},
	{Code: "R-01-01-2", Zone: "R", WalkSequence: 520, Kind: soko.LocationReserve},
	{Code: "R-01-02-1", Zone: "R", WalkSequence: 530, Kind: soko.LocationReserve},
	{Code: "R-01-02-2", Zone: "R", WalkSequence: 540, Kind: soko.LocationReserve},
	{Code: "R-01-03-1", Zone: "R", WalkSequence: 550, Kind: soko.LocationReserve},
	{Code: "R-01-03-2", Zone: "R", WalkSequence: 560, Kind: soko.LocationReserve},
	{Code: "RCV-01", Zone: "RCV", WalkSequence: 900, Kind: soko.LocationReceiving},
	{Code: "DOCK-01", Zone: "DOCK", WalkSequence: 910, Kind: soko.LocationDock},
}

// boxTypes are the carrier size classes the station packs in (sum of the
// outer sides in cm within the class, weight within the carriers' limit) and
// a thin case for ネコポス (A4, at most 2.5 cm thick and 1 kg).
var boxTypes = []soko.BoxType{
	{Code: "BOX60", Name: "60サイズ", InnerLengthMM: 250, InnerWidthMM: 180, InnerHeightMM: 130, MaxWeightGrams: 2000, TareGrams: 150, SizeClass: 60},
	{Code: "BOX80", Name: "80サイズ", InnerLengthMM: 330, InnerWidthMM: 240, InnerHeightMM: 190, MaxWeightGrams: 5000, TareGrams: 250, SizeClass: 80},
	{Code: "BOX100", Name: "100サイズ", InnerLengthMM: 400, InnerWidthMM: 300, InnerHeightMM: 250, MaxWeightGrams: 10000, TareGrams: 400, SizeClass: 100},
	{Code: "BOX120", Name: "120サイズ", InnerLengthMM: 470, InnerWidthMM: 350, InnerHeightMM: 320, MaxWeightGrams: 15000, TareGrams: 550, SizeClass: 120},
	{Code: "NEKOPOS", Name: "ネコポス用 薄型ケース", InnerLengthMM: 310, InnerWidthMM: 225, InnerHeightMM: 25, MaxWeightGrams: 1000, TareGrams: 30, Thin: true, Service: "nekopos"},
}

// demoRateCard is a typical small-shop 3PL rate card (prices in 銭, before
// tax): 三期制 storage at ¥3.5 a unit a period, ¥150 an order and ¥30 an
// additional unit, boxes at cost, and a monthly system fee.
var demoRateCard = soko.RateCard{
	TaxRate: 10, Rounding: soko.RoundDown, StoragePeriods: 3,
	StorageUnitPeriod: 350, InboundUnit: 1000, InboundCase: 5000, PickOrder: 15000, PickExtraUnit: 3000,
	Boxes: map[string]int64{"BOX60": 8000, "BOX80": 12000, "BOX100": 16000, "BOX120": 20000, "NEKOPOS": 3000},
	Label: 1000, GiftWrap: 20000, Insert: 1500, ReturnUnit: 10000,
	Fixed: []soko.FixedFee{{Name: "システム利用料", Price: 1000000}},
}

// apiKeyRow is a merchant's demo API key. The secrets are fixed so the API
// can be tried with curl right after a demo start; they have the shape
// soko.NewAPIKeySecret makes, and their first characters say what they are.
type apiKeyRow struct {
	merchant string
	secret   string
}

// apiKeys has one key per merchant.
var apiKeys = []apiKeyRow{
	{sakura, "soko_sakurademos4yvhv73r6ubphrym55eba"},
	{midori, "soko_midoridemotre77hnjh5ldz4mzvyruez"},
}

// portalUserRow is a merchant's owner in the portal; `soko serve --demo`
// gives each a fresh password and prints it, as it does the API keys.
type portalUserRow struct {
	merchant, email, name, password string
}

var portalUsers = []portalUserRow{
	{sakura, "owner@sakura.example", "桜井 花子", "sakura-demo-password"},
	{midori, "owner@midori.example", "緑川 健", "midori-demo-password"},
}

// line is a SKU and quantity of an order; price and tax rate come from the product.
type line struct {
	sku string
	qty int
}

// orderRow is an open order of a merchant; deliverIn is the requested
// delivery date in days from today, 0 for none; a cod order ships by a COD
// service and collects the goods, codShippingFee and codFee on delivery (代引).
// The shipping fee and COD fee (代引手数料) a demo shop charges a
// cash-on-delivery customer, tax included.
const (
	codShippingFee = 800
	codFee         = 330
)

type orderRow struct {
	merchant  string
	number    string
	to        soko.Address
	carrier   string
	service   string
	slot      soko.TimeSlot
	deliverIn int
	cod       bool
	gift      bool
	note      string
	lines     []line
}

// orders go to many prefectures with every carrier. One is paid on delivery,
// one is a gift, and SKR-100011 and MDR-100015 cannot be filled from stock.
var orders = []orderRow{
	{
		merchant: sakura, number: "SKR-100001",
		to: soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内3-4-2",
			Building: "丸の内三丁目ビル 8F", Company: "株式会社ひかり商事", Name: "山田 花子", Phone: "03-3211-4821", Email: "hanako.yamada@example.jp"},
		carrier: "yamato", service: "takkyubin",
		lines: []line{{"SKR-0001", 2}, {"SKR-0004", 1}},
	},
	{
		merchant: sakura, number: "SKR-100002",
		to: soko.Address{PostalCode: "5300001", Prefecture: "大阪府", City: "大阪市北区", Street: "梅田1-12-17",
			Building: "梅田ファーストレジデンス 1203", Name: "田中 誠", Phone: "080-2345-6789", Email: "makoto.tanaka@example.jp"},
		carrier: "sagawa", service: "hikyaku", slot: soko.Slot18To20,
		lines: []line{{"SKR-0015", 2}, {"SKR-0013", 2}},
	},
	{
		merchant: sakura, number: "SKR-100003",
		to: soko.Address{PostalCode: "4600008", Prefecture: "愛知県", City: "名古屋市中区", Street: "栄3-15-8",
			Name: "鈴木 由美", Phone: "090-3456-7890", Email: "yumi.suzuki@example.jp"},
		carrier: "yamato", service: "takkyubin", slot: soko.SlotMorning, deliverIn: 3,
		lines: []line{{"SKR-0019", 1}, {"SKR-0020", 2}},
	},
	{
		merchant: sakura, number: "SKR-100004",
		to: soko.Address{PostalCode: "0600001", Prefecture: "北海道", City: "札幌市中央区", Street: "北一条西4-2-5",
			Building: "北一条ハイツ 505", Name: "佐藤 大輔", Phone: "070-4567-8901", Email: "daisuke.sato@example.jp"},
		carrier: "japanpost", service: "yupack",
		lines: []line{{"SKR-0016", 2}},
	},
	{
		merchant: sakura, number: "SKR-100005",
		to: soko.Address{PostalCode: "8120011", Prefecture: "福岡県", City: "福岡市博多区", Street: "博多駅前2-9-14",
			Name: "高橋 美穂", Phone: "080-5678-9012", Email: "miho.takahashi@example.jp"},
		carrier: "yamato", service: "takkyubin",
		lines: []line{{"SKR-0007", 3}, {"SKR-0009", 5}, {"SKR-0024", 1}, {"SKR-0010", 2}},
	},
	{
		merchant: sakura, number: "SKR-100006",
		to: soko.Address{PostalCode: "9800021", Prefecture: "宮城県", City: "仙台市青葉区", Street: "中央2-8-13",
			Name: "伊藤 拓也", Phone: "090-6789-0123", Email: "takuya.ito@example.jp"},
		carrier: "sagawa", service: "hikyaku",
		lines: []line{{"SKR-0003", 1}},
	},
	{
		merchant: sakura, number: "SKR-100007",
		to: soko.Address{PostalCode: "7300011", Prefecture: "広島県", City: "広島市中区", Street: "基町10-3",
			Building: "基町パークハウス 402", Name: "渡辺 恵", Phone: "090-7890-1234", Email: "megumi.watanabe@example.jp"},
		carrier: "yamato", service: "takkyubin", slot: soko.Slot19To21,
		lines: []line{{"SKR-0011", 1}, {"SKR-0025", 2}},
	},
	{
		merchant: sakura, number: "SKR-100008",
		to: soko.Address{PostalCode: "9000015", Prefecture: "沖縄県", City: "那覇市", Street: "久茂地2-17-6",
			Name: "比嘉 健太", Phone: "080-8901-2345", Email: "kenta.higa@example.jp"},
		carrier: "japanpost", service: "yupack", deliverIn: 5,
		lines: []line{{"SKR-0030", 3}, {"SKR-0022", 2}},
	},
	{
		merchant: sakura, number: "SKR-100009",
		to: soko.Address{PostalCode: "6008216", Prefecture: "京都府", City: "京都市下京区", Street: "東塩小路町579",
			Building: "京都駅前レジデンス 306", Name: "中村 彩", Phone: "090-9012-3456", Email: "aya.nakamura@example.jp"},
		carrier: "yamato", service: "takkyubin", gift: true, note: "贈り物のため、納品書に金額を記載しないでください。",
		lines: []line{{"SKR-0016", 1}, {"SKR-0015", 2}},
	},
	{
		merchant: sakura, number: "SKR-100010",
		to: soko.Address{PostalCode: "2310023", Prefecture: "神奈川県", City: "横浜市中区", Street: "山下町84",
			Building: "山下町パークタワー 1807", Name: "小林 直樹", Phone: "080-1122-3344", Email: "naoki.kobayashi@example.jp"},
		carrier: "yamato", service: "takkyubin", slot: soko.Slot14To16,
		lines: []line{{"SKR-0018", 2}},
	},
	{
		merchant: sakura, number: "SKR-100011",
		to: soko.Address{PostalCode: "1500002", Prefecture: "東京都", City: "渋谷区", Street: "渋谷2-15-1",
			Building: "渋谷クロスビル 5F", Company: "株式会社ミライデザイン", Name: "加藤 優子", Phone: "03-6418-5502", Email: "yuko.kato@example.jp"},
		carrier: "yamato", service: "takkyubin", note: "オフィス用。平日10時〜18時受取可。",
		lines: []line{{"SKR-0016", 4}, {"SKR-0015", 4}},
	},
	{
		merchant: sakura, number: "SKR-100012",
		to: soko.Address{PostalCode: "1600022", Prefecture: "東京都", City: "新宿区", Street: "新宿5-11-3",
			Building: "新宿五丁目マンション 701", Name: "吉田 翔", Phone: "090-2233-4455", Email: "sho.yoshida@example.jp"},
		carrier: "sagawa", service: "hikyaku", slot: soko.SlotMorning, deliverIn: 2,
		lines: []line{{"SKR-0021", 1}, {"SKR-0029", 1}},
	},
	{
		merchant: sakura, number: "SKR-100013",
		to: soko.Address{PostalCode: "3300854", Prefecture: "埼玉県", City: "さいたま市大宮区", Street: "桜木町4-82-1",
			Name: "山口 真由美", Phone: "080-3344-5566", Email: "mayumi.yamaguchi@example.jp"},
		carrier: "japanpost", service: "yupack",
		lines: []line{{"SKR-0002", 2}, {"SKR-0001", 1}, {"SKR-0027", 1}},
	},
	{
		merchant: sakura, number: "SKR-100014",
		to: soko.Address{PostalCode: "2600028", Prefecture: "千葉県", City: "千葉市中央区", Street: "新町18-4",
			Name: "松本 和也", Phone: "090-4455-6677", Email: "kazuya.matsumoto@example.jp"},
		carrier: "yamato", service: "collect", cod: true, note: "代金引換でお願いします。",
		lines: []line{{"SKR-0005", 2}, {"SKR-0014", 1}},
	},
	{
		merchant: sakura, number: "SKR-100015",
		to: soko.Address{PostalCode: "9500087", Prefecture: "新潟県", City: "新潟市中央区", Street: "東大通2-3-26",
			Building: "東大通ハイツ 503", Name: "井上 智子", Phone: "090-5566-7788", Email: "tomoko.inoue@example.jp"},
		carrier: "sagawa", service: "hikyaku",
		lines: []line{{"SKR-0028", 1}},
	},
	{
		merchant: sakura, number: "SKR-100016",
		to: soko.Address{PostalCode: "9200858", Prefecture: "石川県", City: "金沢市", Street: "木ノ新保町3-7",
			Name: "木村 大樹", Phone: "070-6677-8899", Email: "daiki.kimura@example.jp"},
		carrier: "yamato", service: "takkyubin", slot: soko.Slot16To18,
		lines: []line{{"SKR-0006", 1}, {"SKR-0026", 3}},
	},
	{
		merchant: sakura, number: "SKR-100017",
		to: soko.Address{PostalCode: "4200851", Prefecture: "静岡県", City: "静岡市葵区", Street: "黒金町11-7",
			Name: "林 さくら", Phone: "080-7788-9900", Email: "sakura.hayashi@example.jp"},
		carrier: "japanpost", service: "yupack", slot: soko.Slot12To14,
		lines: []line{{"SKR-0012", 1}, {"SKR-0011", 2}},
	},
	{
		merchant: sakura, number: "SKR-100018",
		to: soko.Address{PostalCode: "6500021", Prefecture: "兵庫県", City: "神戸市中央区", Street: "三宮町2-5-9",
			Building: "三宮ハイツ 302", Name: "清水 健", Phone: "090-8899-0011", Email: "ken.shimizu@example.jp"},
		carrier: "yamato", service: "takkyubin",
		lines: []line{{"SKR-0023", 6}, {"SKR-0017", 1}},
	},
	{
		merchant: sakura, number: "SKR-100019",
		to: soko.Address{PostalCode: "7000024", Prefecture: "岡山県", City: "岡山市北区", Street: "駅元町15-1",
			Name: "山崎 愛", Phone: "080-9900-1122", Email: "ai.yamazaki@example.jp"},
		carrier: "sagawa", service: "hikyaku", slot: soko.Slot14To16, deliverIn: 4,
		lines: []line{{"SKR-0004", 1}, {"SKR-0005", 1}, {"SKR-0015", 1}},
	},
	{
		merchant: sakura, number: "SKR-100020",
		to: soko.Address{PostalCode: "8600806", Prefecture: "熊本県", City: "熊本市中央区", Street: "花畑町9-24",
			Company: "くまもと文具店", Name: "森 隆", Phone: "096-354-2218", Email: "takashi.mori@example.jp"},
		carrier: "yamato", service: "takkyubin",
		lines: []line{{"SKR-0009", 12}, {"SKR-0008", 1}},
	},

	{
		merchant: midori, number: "MDR-100001",
		to: soko.Address{PostalCode: "1040061", Prefecture: "東京都", City: "中央区", Street: "銀座4-12-8",
			Building: "銀座レジデンス 902", Name: "池田 千尋", Phone: "090-2468-1357", Email: "chihiro.ikeda@example.jp"},
		carrier: "yamato", service: "takkyubin",
		lines: []line{{"MDR-0001", 2}, {"MDR-0002", 1}},
	},
	{
		merchant: midori, number: "MDR-100002",
		to: soko.Address{PostalCode: "2200012", Prefecture: "神奈川県", City: "横浜市西区", Street: "みなとみらい4-7-2",
			Building: "みなとみらいタワー 2204", Name: "橋本 亮", Phone: "080-1470-2580", Email: "ryo.hashimoto@example.jp"},
		carrier: "yamato", service: "takkyubin", slot: soko.Slot19To21,
		lines: []line{{"MDR-0010", 1}, {"MDR-0006", 2}},
	},
	{
		merchant: midori, number: "MDR-100003",
		to: soko.Address{PostalCode: "3100015", Prefecture: "茨城県", City: "水戸市", Street: "宮町2-4-31",
			Name: "阿部 恵美", Phone: "090-3690-2581", Email: "emi.abe@example.jp"},
		carrier: "japanpost", service: "yupack",
		lines: []line{{"MDR-0014", 1}},
	},
	{
		merchant: midori, number: "MDR-100004",
		to: soko.Address{PostalCode: "3700841", Prefecture: "群馬県", City: "高崎市", Street: "栄町16-9",
			Name: "石川 大介", Phone: "080-2580-3691", Email: "daisuke.ishikawa@example.jp"},
		carrier: "sagawa", service: "hikyaku",
		lines: []line{{"MDR-0011", 1}, {"MDR-0008", 1}, {"MDR-0021", 1}},
	},
	{
		merchant: midori, number: "MDR-100005",
		to: soko.Address{PostalCode: "3800823", Prefecture: "長野県", City: "長野市", Street: "南千歳1-16-3",
			Name: "山下 早苗", Phone: "090-7410-8520", Email: "sanae.yamashita@example.jp"},
		carrier: "yamato", service: "takkyubin", slot: soko.SlotMorning, deliverIn: 2,
		lines: []line{{"MDR-0005", 2}, {"MDR-0025", 1}},
	},
	{
		merchant: midori, number: "MDR-100006",
		to: soko.Address{PostalCode: "5420076", Prefecture: "大阪府", City: "大阪市中央区", Street: "難波4-3-12",
			Building: "難波コーポ 804", Company: "なにわ茶房", Name: "中島 翔太", Phone: "06-6641-3307", Email: "shota.nakajima@example.jp"},
		carrier: "sagawa", service: "hikyaku", note: "店舗納品。裏口よりお届けください。",
		lines: []line{{"MDR-0030", 24}, {"MDR-0016", 3}},
	},
	{
		merchant: midori, number: "MDR-100007",
		to: soko.Address{PostalCode: "4500002", Prefecture: "愛知県", City: "名古屋市中村区", Street: "名駅3-22-5",
			Name: "前田 和子", Phone: "090-8520-7410", Email: "kazuko.maeda@example.jp"},
		carrier: "yamato", service: "takkyubin",
		lines: []line{{"MDR-0027", 3}, {"MDR-0020", 1}},
	},
	{
		merchant: midori, number: "MDR-100008",
		to: soko.Address{PostalCode: "8100001", Prefecture: "福岡県", City: "福岡市中央区", Street: "天神3-6-21",
			Building: "天神ハイム 1105", Name: "藤田 修", Phone: "080-7531-9642", Email: "osamu.fujita@example.jp"},
		carrier: "japanpost", service: "yupack", slot: soko.Slot18To20,
		lines: []line{{"MDR-0013", 2}, {"MDR-0012", 1}, {"MDR-0019", 1}},
	},
	{
		merchant: midori, number: "MDR-100009",
		to: soko.Address{PostalCode: "0100001", Prefecture: "秋田県", City: "秋田市", Street: "中通4-11-2",
			Name: "岡田 美紀", Phone: "090-9642-7531", Email: "miki.okada@example.jp"},
		carrier: "yamato", service: "takkyubin",
		lines: []line{{"MDR-0015", 6}, {"MDR-0024", 2}},
	},
	{
		merchant: midori, number: "MDR-100010",
		to: soko.Address{PostalCode: "0400063", Prefecture: "北海道", City: "函館市", Street: "若松町12-5",
			Name: "後藤 洋平", Phone: "080-1593-5728", Email: "yohei.goto@example.jp"},
		carrier: "yamato", service: "takkyubin", slot: soko.Slot14To16, deliverIn: 5,
		lines: []line{{"MDR-0003", 2}, {"MDR-0004", 1}},
	},
	{
		merchant: midori, number: "MDR-100011",
		to: soko.Address{PostalCode: "0300801", Prefecture: "青森県", City: "青森市", Street: "新町2-7-14",
			Name: "長谷川 里奈", Phone: "090-3579-1468", Email: "rina.hasegawa@example.jp"},
		carrier: "japanpost", service: "yupack",
		lines: []line{{"MDR-0017", 4}, {"MDR-0029", 1}},
	},
	{
		merchant: midori, number: "MDR-100012",
		to: soko.Address{PostalCode: "0200021", Prefecture: "岩手県", City: "盛岡市", Street: "中央通3-2-8",
			Building: "中央通コーポ 203", Name: "村上 光", Phone: "070-2469-1357", Email: "hikaru.murakami@example.jp"},
		carrier: "sagawa", service: "hikyaku",
		lines: []line{{"MDR-0009", 1}, {"MDR-0026", 2}},
	},
	{
		merchant: midori, number: "MDR-100013",
		to: soko.Address{PostalCode: "9300003", Prefecture: "富山県", City: "富山市", Street: "桜町2-4-9",
			Name: "近藤 沙織", Phone: "080-3691-4702", Email: "saori.kondo@example.jp"},
		carrier: "yamato", service: "takkyubin",
		lines: []line{{"MDR-0002", 3}, {"MDR-0022", 1}, {"MDR-0023", 1}, {"MDR-0028", 1}},
	},
	{
		merchant: midori, number: "MDR-100014",
		to: soko.Address{PostalCode: "5200044", Prefecture: "滋賀県", City: "大津市", Street: "京町3-5-18",
			Name: "坂本 雄一", Phone: "090-4702-5813", Email: "yuichi.sakamoto@example.jp"},
		carrier: "japanpost", service: "yupack", deliverIn: 3,
		lines: []line{{"MDR-0018", 1}, {"MDR-0010", 1}},
	},
	{
		merchant: midori, number: "MDR-100015",
		to: soko.Address{PostalCode: "7600011", Prefecture: "香川県", City: "高松市", Street: "浜ノ町8-22",
			Name: "遠藤 千夏", Phone: "080-5813-6924", Email: "chinatsu.endo@example.jp"},
		carrier: "yamato", service: "takkyubin",
		lines: []line{{"MDR-0027", 5}, {"MDR-0029", 1}},
	},
	{
		merchant: midori, number: "MDR-100016",
		to: soko.Address{PostalCode: "7900001", Prefecture: "愛媛県", City: "松山市", Street: "一番町2-6-3",
			Building: "一番町ビル 4F", Name: "青木 悠", Phone: "090-6924-7035", Email: "yu.aoki@example.jp"},
		carrier: "sagawa", service: "hikyaku", slot: soko.Slot16To18,
		lines: []line{{"MDR-0014", 2}, {"MDR-0001", 1}},
	},
	{
		merchant: midori, number: "MDR-100017",
		to: soko.Address{PostalCode: "8900053", Prefecture: "鹿児島県", City: "鹿児島市", Street: "中央町19-7",
			Building: "中央町マンション 201", Name: "藤井 聡", Phone: "070-7035-8146", Email: "satoshi.fujii@example.jp"},
		carrier: "yamato", service: "takkyubin",
		lines: []line{{"MDR-0016", 5}, {"MDR-0015", 1}},
	},
	{
		merchant: midori, number: "MDR-100018",
		to: soko.Address{PostalCode: "8700035", Prefecture: "大分県", City: "大分市", Street: "中央町3-4-12",
			Name: "西村 由紀", Phone: "080-8146-9257", Email: "yuki.nishimura@example.jp"},
		carrier: "japanpost", service: "yupack", slot: soko.SlotMorning,
		lines: []line{{"MDR-0025", 2}, {"MDR-0026", 1}},
	},
	{
		merchant: midori, number: "MDR-100019",
		to: soko.Address{PostalCode: "6800831", Prefecture: "鳥取県", City: "鳥取市", Street: "栄町403",
			Name: "福田 直人", Phone: "090-9257-0368", Email: "naoto.fukuda@example.jp"},
		carrier: "yamato", service: "takkyubin",
		lines: []line{{"MDR-0008", 2}, {"MDR-0006", 1}, {"MDR-0007", 1}},
	},
	{
		merchant: midori, number: "MDR-100020",
		to: soko.Address{PostalCode: "8800805", Prefecture: "宮崎県", City: "宮崎市", Street: "橘通東3-5-20",
			Name: "太田 麻衣", Phone: "080-0368-1479", Email: "mai.ota@example.jp"},
		carrier: "sagawa", service: "hikyaku",
		lines: []line{{"MDR-0011", 2}},
	},
}
