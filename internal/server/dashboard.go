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
var dashboardWords = map[string]soko.Text{
	"dash":                        {JA: "ダッシュボード", EN: "Dashboard"},
	"dash_help":                   {JA: "本日の作業の進み具合。30秒ごとに自動更新します", EN: "Today's work; refreshes every 30 seconds"},
	"dash_pipeline":               {JA: "工程別の注文数", EN: "Orders by stage"},
	"dash_carriers":               {JA: "配送会社別の進捗（集荷締め時刻まで）", EN: "Carriers against their pickup cut-off"},
	"dash_cutoff":                 {JA: "締め {time}", EN: "cut-off {time}"},
	"dash_no_cutoff":              {JA: "集荷時刻未設定", EN: "no pickup time set"},
	"dash_carrier_row":            {JA: "{shipped} 出荷済み ・ {labeled} 出荷待ち ・ 全{orders}件", EN: "{shipped} shipped · {labeled} at the dock · {orders} in all"},
	"dash_shipped":                {JA: "時間別の出荷個数", EN: "Parcels shipped per hour"},
	"dash_scans":                  {JA: "時間別のスキャン数", EN: "Scans per hour"},
	"dash_exceptions":             {JA: "要対応", EN: "Needs attention"},
	"dash_no_problems":            {JA: "対応が必要なものはありません", EN: "Nothing needs attention"},
	"dash_waves":                  {JA: "ウェーブの進捗", EN: "Waves"},
	"dash_no_waves":               {JA: "進行中のウェーブはありません", EN: "No waves in progress"},
	"dash_wave":                   {JA: "ウェーブ", EN: "Wave"},
	"dash_picker":                 {JA: "担当", EN: "Picker"},
	"dash_progress":               {JA: "進捗", EN: "Progress"},
	"dash_unclaimed":              {JA: "未割当", EN: "not claimed"},
	"dash_release":                {JA: "担当を外す", EN: "Take back"},
	"dash_released":               {JA: "{list} を担当から外しました。次にピッキングを始めた人が引き継ぎます", EN: "{list} taken back: the next picker to ask gets it"},
	"dash_people":                 {JA: "スタッフ別の生産性", EN: "People"},
	"dash_no_people":              {JA: "本日のスキャンはまだありません", EN: "No scans yet today"},
	"dash_person":                 {JA: "氏名", EN: "Name"},
	"dash_picks":                  {JA: "ピック", EN: "Picks"},
	"dash_inspections":            {JA: "検品", EN: "Inspected"},
	"dash_packed":                 {JA: "梱包", EN: "Packed"},
	"dash_loaded":                 {JA: "積込", EN: "Loaded"},
	"dash_per_hour":               {JA: "/時", EN: "/h"},
	"dash_hours":                  {JA: "稼働時間", EN: "Hours"},
	"dash_errors":                 {JA: "エラー率", EN: "Error rate"},
	"dash_updated":                {JA: "{time} 更新", EN: "updated {time}"},
	"stock":                       {JA: "在庫", EN: "Stock"},
	"stock_help":                  {JA: "ロケーションや商品ごとの在庫と入出庫履歴、発注点を下回った商品、受け入れ待ちの入荷予定、欠品のあとで棚卸が必要なロケーション", EN: "Stock by location or product with its ledger, products below their reorder point, inbounds still to receive, and locations to count after a short pick"},
	"stock_low":                   {JA: "在庫僅少（発注点以下）", EN: "Low stock (at or below the reorder point)"},
	"stock_available":             {JA: "引当可能", EN: "Available"},
	"stock_reorder":               {JA: "発注点", EN: "Reorder point"},
	"stock_none_low":              {JA: "発注点を下回った商品はありません", EN: "No product is below its reorder point"},
	"stock_counts":                {JA: "棚卸待ちのロケーション", EN: "Locations to count"},
	"stock_none_counts":           {JA: "棚卸待ちはありません", EN: "Nothing to count"},
	"name":                        {JA: "名称", EN: "Name"},
	"stock_location":              {JA: "ロケーション", EN: "Location"},
	"stock_find":                  {JA: "検索", EN: "Find"},
	"stock_lot":                   {JA: "ロット", EN: "Lot"},
	"stock_expiry":                {JA: "賞味期限", EN: "Expiry"},
	"stock_on_hand":               {JA: "在庫", EN: "On hand"},
	"stock_allocated":             {JA: "引当", EN: "Allocated"},
	"stock_ledger":                {JA: "入出庫履歴（新しい順）", EN: "Stock ledger (newest first)"},
	"stock_at":                    {JA: "日時", EN: "When"},
	"stock_kind":                  {JA: "種別", EN: "Kind"},
	"stock_why":                   {JA: "理由", EN: "Why"},
	"stock_staff":                 {JA: "担当", EN: "Staff"},
	"stock_nothing":               {JA: "該当する在庫はありません", EN: "No stock found"},
	"stock_held":                  {JA: "保留", EN: "Held"},
	"stock_days_cover":            {JA: "在庫日数", EN: "Days of cover"},
	"stock_out":                   {JA: "欠品", EN: "Out of stock"},
	"stock_no_demand":             {JA: "出荷実績なし", EN: "no demand"},
	"stock_held_here":             {JA: "引当停止（棚卸待ち・棚入れ前）", EN: "held (to count or put away)"},
	"stock_buffer":                {JA: "安全在庫", EN: "Buffer"},
	"stock_sellable":              {JA: "販売可能", EN: "Sellable"},
	"stock_channels":              {JA: "販売チャネルに公開する在庫（API・在庫連動と同じ数字）", EN: "What the sales channels are told (as the API and the stock feed say)"},
	"stock_inbounds":              {JA: "入荷予定（未完了）", EN: "Inbounds still to receive"},
	"stock_inbound_no":            {JA: "入荷番号", EN: "Inbound"},
	"stock_expected":              {JA: "予定日", EN: "Expected"},
	"stock_received":              {JA: "入荷数 / 予定数", EN: "Received / expected"},
	"stock_none_inbounds":         {JA: "受け入れ待ちの入荷予定はありません", EN: "No inbound waits to be received"},
	"dash_undelivered":            {JA: "{days}日を過ぎても配達未完了のお荷物", EN: "Parcels not delivered after {days} days"},
	"dash_undelivered_parcels":    {JA: "個数", EN: "Parcels"},
	"dash_undelivered_exceptions": {JA: "うち不在・保管・返送", EN: "Of them absent, held or returning"},
	"dash_no_undelivered":         {JA: "ありません", EN: "None"},
	"dash_key_shipped":            {JA: "出荷した個口（時刻ごと、横軸は時）", EN: "Parcels shipped (by hour of the day)"},
	"dash_key_scans":              {JA: "受け付けたスキャン", EN: "Scans accepted"},
	"dash_key_refused":            {JA: "エラーで拒否したスキャン", EN: "Scans refused"},
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
			Status: string(e.Status), StatusLabel: e.Status.Label().In(lang), At: apiTime(e.At),
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
	return soko.Text{JA: st.Label(), EN: string(st)}.In(lang)
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
