package server

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// dashboardWords are the console dashboard's words.
var dashboardWords = map[string][2]string{
	"dash":                        {"ダッシュボード", "Dashboard"},
	"dash_help":                   {"本日の作業の進み具合。30秒ごとに自動更新します", "Today's work; refreshes every 30 seconds"},
	"dash_pipeline":               {"工程別の注文数", "Orders by stage"},
	"dash_carriers":               {"配送会社別の進捗（集荷締め時刻まで）", "Carriers against their pickup cut-off"},
	"dash_cutoff":                 {"締め {time}", "cut-off {time}"},
	"dash_no_cutoff":              {"集荷時刻未設定", "no pickup time set"},
	"dash_carrier_row":            {"{shipped} 出荷済み ・ {labeled} 出荷待ち ・ 全{orders}件", "{shipped} shipped · {labeled} at the dock · {orders} in all"},
	"dash_shipped":                {"時間別の出荷個数", "Parcels shipped per hour"},
	"dash_scans":                  {"時間別のスキャン数", "Scans per hour"},
	"dash_exceptions":             {"要対応", "Needs attention"},
	"dash_no_problems":            {"対応が必要なものはありません", "Nothing needs attention"},
	"dash_waves":                  {"ウェーブの進捗", "Waves"},
	"dash_no_waves":               {"進行中のウェーブはありません", "No waves in progress"},
	"dash_wave":                   {"ウェーブ", "Wave"},
	"dash_picker":                 {"担当", "Picker"},
	"dash_progress":               {"進捗", "Progress"},
	"dash_unclaimed":              {"未割当", "not claimed"},
	"dash_release":                {"担当を外す", "Take back"},
	"dash_released":               {"{list} を担当から外しました。次にピッキングを始めた人が引き継ぎます", "{list} taken back: the next picker to ask gets it"},
	"dash_people":                 {"スタッフ別の生産性", "People"},
	"dash_no_people":              {"本日のスキャンはまだありません", "No scans yet today"},
	"dash_person":                 {"氏名", "Name"},
	"dash_picks":                  {"ピック", "Picks"},
	"dash_inspections":            {"検品", "Inspected"},
	"dash_packed":                 {"梱包", "Packed"},
	"dash_loaded":                 {"積込", "Loaded"},
	"dash_per_hour":               {"/時", "/h"},
	"dash_hours":                  {"稼働時間", "Hours"},
	"dash_errors":                 {"エラー率", "Error rate"},
	"dash_updated":                {"{time} 更新", "updated {time}"},
	"stock":                       {"在庫", "Stock"},
	"stock_help":                  {"ロケーションや商品ごとの在庫と入出庫履歴、発注点を下回った商品、受け入れ待ちの入荷予定、欠品のあとで棚卸が必要なロケーション", "Stock by location or product with its ledger, products below their reorder point, inbounds still to receive, and locations to count after a short pick"},
	"stock_low":                   {"在庫僅少（発注点以下）", "Low stock (at or below the reorder point)"},
	"stock_available":             {"引当可能", "Available"},
	"stock_reorder":               {"発注点", "Reorder point"},
	"stock_none_low":              {"発注点を下回った商品はありません", "No product is below its reorder point"},
	"stock_counts":                {"棚卸待ちのロケーション", "Locations to count"},
	"stock_none_counts":           {"棚卸待ちはありません", "Nothing to count"},
	"name":                        {"名称", "Name"},
	"stock_location":              {"ロケーション", "Location"},
	"stock_find":                  {"検索", "Find"},
	"stock_lot":                   {"ロット", "Lot"},
	"stock_expiry":                {"賞味期限", "Expiry"},
	"stock_on_hand":               {"在庫", "On hand"},
	"stock_allocated":             {"引当", "Allocated"},
	"stock_ledger":                {"入出庫履歴（新しい順）", "Stock ledger (newest first)"},
	"stock_at":                    {"日時", "When"},
	"stock_kind":                  {"種別", "Kind"},
	"stock_why":                   {"理由", "Why"},
	"stock_staff":                 {"担当", "Staff"},
	"stock_nothing":               {"該当する在庫はありません", "No stock found"},
	"stock_held":                  {"保留", "Held"},
	"stock_days_cover":            {"在庫日数", "Days of cover"},
	"stock_out":                   {"欠品", "Out of stock"},
	"stock_no_demand":             {"出荷実績なし", "no demand"},
	"stock_held_here":             {"引当停止（棚卸待ち・棚入れ前）", "held (to count or put away)"},
	"stock_buffer":                {"安全在庫", "Buffer"},
	"stock_sellable":              {"販売可能", "Sellable"},
	"stock_channels":              {"販売チャネルに公開する在庫（API・在庫連動と同じ数字）", "What the sales channels are told (as the API and the stock feed say)"},
	"stock_inbounds":              {"入荷予定（未完了）", "Inbounds still to receive"},
	"stock_inbound_no":            {"入荷番号", "Inbound"},
	"stock_expected":              {"予定日", "Expected"},
	"stock_received":              {"入荷数 / 予定数", "Received / expected"},
	"stock_none_inbounds":         {"受け入れ待ちの入荷予定はありません", "No inbound waits to be received"},
	"dash_undelivered":            {"{days}日を過ぎても配達未完了のお荷物", "Parcels not delivered after {days} days"},
	"dash_undelivered_parcels":    {"個数", "Parcels"},
	"dash_undelivered_exceptions": {"うち不在・保管・返送", "Of them absent, held or returning"},
	"dash_no_undelivered":         {"ありません", "None"},
	"dash_key_shipped":            {"出荷した個口（時刻ごと、横軸は時）", "Parcels shipped (by hour of the day)"},
	"dash_key_scans":              {"受け付けたスキャン", "Scans accepted"},
	"dash_key_refused":            {"エラーで拒否したスキャン", "Scans refused"},
}

// dashboardStore is what the dashboard needs of the store.
type dashboardStore interface {
	Dashboard(ctx context.Context, day time.Time) (*soko.Dashboard, error)
	ReleasePickList(ctx context.Context, pickList string) (int, error)
	OpenCountTasks(ctx context.Context) ([]string, error)
	StockPlaces(ctx context.Context, f soko.StockFilter) ([]soko.StockPlace, error)
	Ledger(ctx context.Context, merchantID int64, sku string, limit int) ([]soko.LedgerLine, error)
}

// pipeline is the workflow's order of stages on the dashboard.
var pipeline = []soko.OrderStatus{
	soko.OrderReceived, soko.OrderBackordered, soko.OrderAllocated, soko.OrderPicking, soko.OrderShort, soko.OrderPicked,
	soko.OrderInspected, soko.OrderPacked, soko.OrderLabeled, soko.OrderShipped,
}

// exceptionKinds are the dashboard's exceptions: their words and where each is fixed.
var exceptionKinds = []struct {
	kind, ja, en, link string
	count              func(e soko.Exceptions) int
}{
	{"short", "欠品", "Short picks", "#orders?status=short", func(e soko.Exceptions) int { return e.Short }},
	{"backordered", "入荷待ち", "Backorders", "#orders?status=backordered", func(e soko.Exceptions) int { return e.Backordered }},
	{"on_hold", "保留中", "On hold", "#orders?status=on_hold", func(e soko.Exceptions) int { return e.OnHold }},
	{"cancel_requested", "キャンセル依頼（戻し入れ待ち）", "Cancellations to put back", "#orders?status=cancel_requested", func(e soko.Exceptions) int { return e.CancelRequested }},
	{"inspection", "検品の不一致", "Inspection mismatches", "#dashboard/people", func(e soko.Exceptions) int { return e.InspectionMismatches }},
	{"weight", "重量の不一致（確認済み）", "Weight mismatches (confirmed)", "#orders?status=packed", func(e soko.Exceptions) int { return e.WeightMismatches }},
	{"dead", "届かなかった通知", "Notifications not delivered", "#deliveries?status=dead", func(e soko.Exceptions) int { return e.DeadNotifications }},
	{"low_stock", "在庫僅少", "Low stock", "#stock", func(e soko.Exceptions) int { return e.LowStock }},
	{"counts", "棚卸待ち（欠品後）", "Counts to do after short picks", "#stock", func(e soko.Exceptions) int { return e.OpenCounts }},
	{"guessing", "PINの推測（バッジ・端末アドレス）", "Badges or addresses guessing PINs", "#admin", func(e soko.Exceptions) int { return e.Guessed }},
	{"missing", "集荷漏れ", "Parcels left behind by today's pickups", "#manifests", func(e soko.Exceptions) int { return e.MissingParcels }},
}

// workDay is the asked day, or today in Japan.
func (h apiHandlers) workDay(date *openapi_types.Date) time.Time {
	if date == nil {
		return soko.WorkDay(h.now())
	}
	y, m, d := date.Time.Date()
	return soko.WorkDay(time.Date(y, m, d, 12, 0, 0, 0, time.UTC))
}

// dashboard is the asked day's dashboard, for supervisors.
func (h apiHandlers) dashboard(ctx context.Context, date *openapi_types.Date) (*soko.Dashboard, error) {
	if _, err := allow(ctx, soko.MenuConsole); err != nil {
		return nil, err
	}
	return h.store.Dashboard(ctx, h.workDay(date))
}

// GetDashboard answers GET /ops/dashboard.
func (h apiHandlers) GetDashboard(ctx context.Context, req api.GetDashboardRequestObject) (api.GetDashboardResponseObject, error) {
	d, err := h.dashboard(ctx, req.Params.Date)
	if err != nil {
		return nil, err
	}
	lang := langOf(ctx)
	out := api.Dashboard{
		Date:           openapi_types.Date{Time: d.Day},
		ShippedPerHour: d.ShippedPerHour[:], ScansPerHour: d.ScansPerHour[:], RefusedPerHour: d.RefusedPerHour[:],
		Stages: []api.DashboardStage{}, Carriers: []api.CarrierProgress{}, Exceptions: []api.DashboardException{},
		Waves: []api.WaveProgress{}, People: []api.Productivity{},
	}
	for _, st := range pipeline {
		out.Stages = append(out.Stages, api.DashboardStage{Status: string(st), Label: statusLabel(lang, st), Count: d.Stages[st]})
	}
	for _, c := range d.Carriers {
		cp := api.CarrierProgress{Carrier: c.Carrier, CarrierName: carrierName(c.Carrier), Orders: c.Orders, Labeled: c.Labeled, Shipped: c.Shipped}
		if !c.Cutoff.IsZero() {
			cp.Cutoff = ptr(c.Cutoff)
		}
		out.Carriers = append(out.Carriers, cp)
	}
	for _, k := range exceptionKinds {
		if n := k.count(d.Exceptions); n > 0 {
			out.Exceptions = append(out.Exceptions, api.DashboardException{Kind: k.kind, Label: soko.Text{JA: k.ja, EN: k.en}.In(lang), Count: n, Link: k.link})
		}
	}
	for _, w := range d.Waves {
		wp := api.WaveProgress{WaveNo: w.Number, Mode: w.Mode, Orders: w.Orders, Done: w.TasksDone, Open: w.TasksOpen, Pickers: []api.PickerProgress{}}
		for _, p := range w.Pickers {
			pp := api.PickerProgress{PickList: p.PickList, Done: p.Done, Open: p.Open}
			if p.Name != "" {
				pp.Picker = ptr(p.Name)
			}
			wp.Pickers = append(wp.Pickers, pp)
		}
		out.Waves = append(out.Waves, wp)
	}
	for _, p := range d.People {
		out.People = append(out.People, api.Productivity{
			Name: p.Name, Role: string(p.Role), Picks: p.Picks, Inspections: p.Inspections, Packed: p.Packed, Loaded: p.Loaded,
			Scans: p.Scans, Refused: p.Refused, Hours: p.Hours, PicksPerHour: float32(p.PerHour(p.Picks)),
			InspectionsPerHour: float32(p.PerHour(p.Inspections)), ErrorRate: float32(p.ErrorRate()),
		})
	}
	// Parcels still on their way after the days asked for, whatever the
	// working day shown: a customer asks about them today.
	out.UndeliveredDays = 3
	if n := req.Params.UndeliveredDays; n != nil {
		out.UndeliveredDays = *n
	}
	late, err := h.store.UndeliveredByCarrier(ctx, h.now().Add(-time.Duration(out.UndeliveredDays)*24*time.Hour))
	if err != nil {
		return nil, err
	}
	out.Undelivered = make([]api.UndeliveredParcels, len(late))
	for i, u := range late {
		out.Undelivered[i] = api.UndeliveredParcels{Carrier: u.Carrier, CarrierName: carrierNameIn(lang, u.Carrier), Parcels: u.Parcels, Exceptions: u.Exceptions}
	}
	exceptions, err := h.store.DeliveryExceptions(ctx, 20)
	if err != nil {
		return nil, err
	}
	out.DeliveryExceptions = make([]api.DeliveryException, len(exceptions))
	for i, e := range exceptions {
		out.DeliveryExceptions[i] = api.DeliveryException{
			OrderId: e.OrderID, OrderNo: e.OrderNumber, CarrierName: carrierNameIn(lang, e.Carrier), TrackingNumber: e.TrackingNumber,
			Status: string(e.Status), StatusLabel: soko.Text{JA: e.Status.Japanese(), EN: e.Status.English()}.In(lang), At: apiTime(e.At),
			Link: fmt.Sprintf("#order/%d", e.OrderID),
		}
	}
	if err := h.shipDatesOut(ctx, &out, lang); err != nil {
		return nil, err
	}
	return api.GetDashboard200JSONResponse(out), nil
}

// statusLabel is an order status in the user's language.
func statusLabel(lang string, st soko.OrderStatus) string {
	if lang == "en" {
		return string(st)
	}
	return st.Label()
}

// GetDashboardChart answers GET /ops/dashboard/charts/{series}: a bar chart of
// the day's hours drawn on the server, so the console needs no chart library.
func (h apiHandlers) GetDashboardChart(ctx context.Context, req api.GetDashboardChartRequestObject) (api.GetDashboardChartResponseObject, error) {
	d, err := h.dashboard(ctx, req.Params.Date)
	if err != nil {
		return nil, err
	}
	lang := langOf(ctx)
	var c hourChart
	switch req.Series {
	case "shipped":
		c = hourChart{Title: soko.Text{JA: "時間別の出荷個数", EN: "Parcels shipped per hour"}.In(lang), Bars: d.ShippedPerHour, Colour: "#0040a0"}
	default:
		c = hourChart{Title: soko.Text{JA: "時間別のスキャン数（緑は受付、赤はエラー）", EN: "Scans per hour (green: accepted, red: refused)"}.In(lang), Bars: d.ScansPerHour, Over: d.RefusedPerHour, Colour: "#0a7a25"}
	}
	var buf bytes.Buffer
	if err := c.write(&buf); err != nil {
		return nil, err
	}
	return api.GetDashboardChart200ImagesvgXmlResponse{Body: &buf, ContentLength: int64(buf.Len())}, nil
}

// ReleasePickList answers POST /ops/pick-lists/{pick_list}/release.
func (h apiHandlers) ReleasePickList(ctx context.Context, req api.ReleasePickListRequestObject) (api.ReleasePickListResponseObject, error) {
	if _, err := allow(ctx, soko.MenuConsole); err != nil {
		return nil, err
	}
	n, err := h.store.ReleasePickList(ctx, req.PickList)
	if err != nil {
		return nil, err
	}
	msg := soko.Text{JA: fmt.Sprintf("%s を担当から外しました（%d件）。次にピッキングを始めた人が引き継ぎます", req.PickList, n),
		EN: fmt.Sprintf("%s taken back (%d tasks): the next picker to ask gets it", req.PickList, n)}.In(langOf(ctx))
	return api.ReleasePickList200JSONResponse{Released: n, Message: msg}, nil
}

// hourChart is 24 hourly bars; Over, when set, is drawn in red over the
// foot of each bar (the refused part of the scans).
type hourChart struct {
	Title  string
	Bars   [24]int
	Over   [24]int
	Colour string
}

// chartBar is one hour's bar, in SVG units.
type chartBar struct {
	Hour, Value, Over     int
	X, Y, H, OverY, OverH float64
	Label                 bool // the hour is written under every third bar
}

var chartSVG = template.Must(template.New("chart").Parse(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 480 200" width="480" height="200" role="img" aria-label="{{.Title}}">
<title>{{.Title}}</title>
<line x1="30" y1="170" x2="470" y2="170" stroke="#888"/>
<text x="26" y="20" font-size="11" text-anchor="end">{{.Max}}</text>
<text x="26" y="170" font-size="11" text-anchor="end">0</text>
{{range .Bars}}<g><title>{{.Hour}}:00 {{.Value}}</title><rect class="bar" data-hour="{{.Hour}}" data-value="{{.Value}}" x="{{.X}}" y="{{.Y}}" width="14" height="{{.H}}" fill="{{$.Colour}}"/>{{if .Over}}<rect class="over" x="{{.X}}" y="{{.OverY}}" width="14" height="{{.OverH}}" fill="#c00000"/>{{end}}</g>
{{if .Label}}<text x="{{.X}}" y="186" font-size="11">{{.Hour}}</text>{{end}}
{{end}}</svg>
`))

func (c hourChart) write(buf *bytes.Buffer) error {
	top := 1
	for _, v := range c.Bars {
		top = max(top, v)
	}
	const floor, height = 170.0, 150.0
	data := struct {
		Title, Colour string
		Max           int
		Bars          []chartBar
	}{Title: c.Title, Colour: c.Colour, Max: top}
	for h, v := range c.Bars {
		b := chartBar{Hour: h, Value: v, Over: c.Over[h], X: 32 + float64(h)*18.3, Label: h%3 == 0}
		b.H = height * float64(v) / float64(top)
		b.Y = floor - b.H
		b.OverH = height * float64(b.Over) / float64(top)
		b.OverY = floor - b.OverH
		data.Bars = append(data.Bars, b)
	}
	return chartSVG.Execute(buf, data)
}

// ListCountTasks answers GET /ops/count-tasks: the locations to count
// because a picker found less there than the books said.
func (h apiHandlers) ListCountTasks(ctx context.Context, _ api.ListCountTasksRequestObject) (api.ListCountTasksResponseObject, error) {
	if _, err := allow(ctx, soko.MenuConsole); err != nil {
		return nil, err
	}
	codes, err := h.store.OpenCountTasks(ctx)
	if err != nil {
		return nil, err
	}
	return api.ListCountTasks200JSONResponse(orEmpty(codes)), nil
}
