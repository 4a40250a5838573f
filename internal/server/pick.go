package server

import (
	"context"
	"fmt"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// pickStore is what pick.go's handlers need of the store.
type pickStore interface {
	ReleaseWave(ctx context.Context, req soko.WaveRequest) (*soko.Wave, error)
	NextPickList(ctx context.Context, staffID int64, limit int) ([]*soko.PickTask, error)
	Pick(ctx context.Context, s *soko.PickScan) (*soko.PickOutcome, error)
	ReportShort(ctx context.Context, s *soko.ShortPick, rules soko.AllocationRules) (*soko.PickOutcome, error)
}

func pickTaskOut(t *soko.PickTask) api.PickTask {
	st := api.PickTaskStatus(t.Status)
	return api.PickTask{
		Id: t.ID, WaveNo: t.WaveNumber, OrderNo: t.OrderNumber, Location: t.LocationCode, Sku: t.SKU, Name: t.ProductName,
		Lot: t.Lot, Quantity: t.Quantity, Picked: t.Picked, Remaining: t.Remaining(), Tote: t.Tote,
		LocationConfirmed: t.LocationConfirmed, Left: t.Left, Status: &st,
	}
}

// ReleaseWave answers POST /ops/waves.
func (h apiHandlers) ReleaseWave(ctx context.Context, req api.ReleaseWaveRequestObject) (api.ReleaseWaveResponseObject, error) {
	sess, err := allow(ctx, soko.MenuConsole)
	if err != nil {
		return nil, err
	}
	in := req.Body
	w, err := h.store.ReleaseWave(ctx, soko.WaveRequest{
		Carrier: string(deref(in.Carrier)), CutOff: deref(in.CutOff), Priority: deref(in.Priority),
		MaxOrders: deref(in.MaxOrders), MaxUnits: deref(in.MaxUnits), Mode: soko.WaveMode(deref(in.Mode)), StaffID: sess.Staff.ID,
	})
	if err != nil {
		return nil, err
	}
	return api.ReleaseWave201JSONResponse{WaveNo: w.Number, Mode: string(w.Mode), Orders: w.Orders, Tasks: w.Tasks}, nil
}

// NextPick answers GET /ops/picks/next.
func (h apiHandlers) NextPick(ctx context.Context, _ api.NextPickRequestObject) (api.NextPickResponseObject, error) {
	sess, err := allow(ctx, soko.MenuPick)
	if err != nil {
		return nil, err
	}
	list, err := h.store.NextPickList(ctx, sess.Staff.ID, pickAhead+1)
	if err != nil {
		return nil, err
	}
	out, ahead := pickTaskOut(list[0]), []api.PickTask{}
	out.Codes = pickCodesOut(list[0].Codes)
	for _, l := range list[1:] {
		a := pickTaskOut(l)
		a.Codes = pickCodesOut(l.Codes)
		ahead = append(ahead, a)
	}
	out.Ahead = &ahead
	return api.NextPick200JSONResponse(out), nil
}

// pickAhead is how many tasks after the current one the handheld is given:
// enough to carry on through a Wi-Fi dead spot along the aisles.
const pickAhead = 20

func pickCodesOut(codes []soko.ProductBarcode) *[]api.PickCode {
	out := make([]api.PickCode, len(codes))
	for i, c := range codes {
		out[i] = api.PickCode{Code: c.Code, Units: max(1, c.PackQuantity)}
	}
	return &out
}

// PickScan answers POST /ops/picks/{task_id}/scan: the location, then the item.
func (h apiHandlers) PickScan(ctx context.Context, req api.PickScanRequestObject) (api.PickScanResponseObject, error) {
	sess, err := allow(ctx, soko.MenuPick)
	if err != nil {
		return nil, err
	}
	lang := langOf(ctx)
	// What the code names, and what that means for the task, is found and
	// decided within the scan's transaction (soko.DecidePickScan): here the
	// code is only read as a barcode or an SKU.
	s := &soko.PickScan{ScanID: req.Body.ScanId, TaskID: req.TaskId, StaffID: sess.Staff.ID, Device: sess.Device, Code: req.Body.Code,
		Quantity: deref(req.Body.Quantity), Lang: lang}
	code, sku, unreadable := h.readCode(ctx, req.Body.Code)
	s.GTIN, s.SKU, s.Unreadable = code.GTIN, sku, unreadable
	out, err := h.store.Pick(ctx, s)
	if err != nil {
		return nil, err
	}
	res := api.PickResult{Task: pickTaskOut(out.Task), TaskDone: out.TaskDone}
	task := out.Task
	switch {
	case out.ConfirmedLocation:
		res.Message = soko.Text{JA: fmt.Sprintf("%s OK：%s を %d 個", task.LocationCode, task.ProductName, task.Remaining()),
			EN: fmt.Sprintf("%s OK: take %d of %s", task.LocationCode, task.Remaining(), task.ProductName)}.In(lang)
	case out.TaskDone:
		res.Message = soko.Text{JA: fmt.Sprintf("完了：%s をトート %s へ", task.ProductName, task.Tote),
			EN: fmt.Sprintf("Done: %s into tote %s", task.ProductName, task.Tote)}.In(lang)
	default:
		res.Message = fmt.Sprintf("%d/%d %s", task.Picked, task.Quantity, task.ProductName)
	}
	if out.OrderPicked != "" {
		res.OrderPicked = &out.OrderPicked
		res.Message += soko.Text{JA: "（注文 " + out.OrderPicked + " ピッキング完了）", EN: " (order " + out.OrderPicked + " picked)"}.In(lang)
	}
	return api.PickScan200JSONResponse(res), nil
}

// ShortPick answers POST /ops/picks/{task_id}/short.
func (h apiHandlers) ShortPick(ctx context.Context, req api.ShortPickRequestObject) (api.ShortPickResponseObject, error) {
	sess, err := allow(ctx, soko.MenuPick)
	if err != nil {
		return nil, err
	}
	lang := langOf(ctx)
	out, err := h.store.ReportShort(ctx, &soko.ShortPick{ScanID: req.Body.ScanId, TaskID: req.TaskId, StaffID: sess.Staff.ID, Device: sess.Device, Found: req.Body.Found}, h.rules)
	if err != nil {
		return nil, err
	}
	res := api.PickResult{Task: pickTaskOut(out.Task), TaskDone: true, Rerouted: &out.Rerouted}
	switch {
	case out.Rerouted:
		res.Message = soko.Text{JA: "欠品を報告しました。別のロケーションから取ります", EN: "Short reported: the rest comes from another location"}.In(lang)
	default:
		res.Message = soko.Text{JA: "欠品を報告しました。注文 " + out.OrderShort + " は欠品扱いです", EN: "Short reported: order " + out.OrderShort + " is short"}.In(lang)
		res.OrderShort = &out.OrderShort
	}
	if out.OrderPicked != "" {
		res.OrderPicked = &out.OrderPicked
	}
	return api.ShortPick200JSONResponse(res), nil
}
