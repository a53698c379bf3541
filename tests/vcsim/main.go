// vcsim for vscsi's tests: govmomi's vSphere simulator (Debian's
// golang-github-vmware-govmomi-dev ships the package but no main) with
// per-VM, per-virtual-disk performance series injected from a JSON file, so a
// client's figures can be checked against exactly the values put in.
//
//	vcsim -l 127.0.0.1:PORT [-esx] [-vm N] [-host N] [-username U -password P]
//	      [-tls=false] [-metrics FILE] [-ready FILE]
//
// FILE: {"VM name": {"scsi0:0": {"virtualDisk.numberReadAveraged": [oldest ... newest]}}}
// A VM named there answers QueryPerf from it alone: its series in that order,
// sampleInfo 20 s apart ending now, at most maxSample values (none without
// maxSample, as the real simulator), no noise. Other VMs keep the stock data.
package main

import (
	"crypto/tls"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

type series map[string]map[string]map[string][]int64 // vm -> instance -> counter -> values

// perfManager answers QueryPerf for the VMs with injected series and passes
// every other call (and every other VM) to the simulator's own.
type perfManager struct {
	*simulator.PerformanceManager
	injected series
	names    map[int32]string // counter key -> "group.name"
}

func (p *perfManager) QueryPerf(ctx *simulator.Context, req *types.QueryPerf) soap.HasFault {
	body := new(methods.QueryPerfBody)
	body.Req = req
	body.Res = new(types.QueryPerfResponse)
	for _, qs := range req.QuerySpec {
		vm, _ := simulator.Map.Get(qs.Entity).(*simulator.VirtualMachine)
		var disks map[string]map[string][]int64
		if vm != nil {
			disks = p.injected[vm.Name]
		}
		if disks == nil {
			one := *req
			one.QuerySpec = []types.PerfQuerySpec{qs}
			res := p.PerformanceManager.QueryPerf(ctx, &one).(*methods.QueryPerfBody)
			if res.Fault_ != nil {
				return res
			}
			body.Res.Returnval = append(body.Res.Returnval, res.Res.Returnval...)
			continue
		}
		m := &types.PerfEntityMetric{}
		m.Entity = qs.Entity
		n := int(qs.MaxSample)
		longest := 0
		for _, mid := range qs.MetricId {
			for inst, counters := range disks {
				if mid.Instance != "*" && mid.Instance != inst {
					continue
				}
				if v := counters[p.names[mid.CounterId]]; len(v) > longest {
					longest = len(v)
				}
			}
		}
		if n > longest {
			n = longest
		}
		end := time.Now().UTC().Truncate(20 * time.Second)
		for k := 0; k < n; k++ {
			m.SampleInfo = append(m.SampleInfo, types.PerfSampleInfo{
				Timestamp: end.Add(time.Duration(k-n+1) * 20 * time.Second), Interval: 20})
		}
		for _, mid := range qs.MetricId {
			for inst, counters := range disks {
				if mid.Instance != "*" && mid.Instance != inst {
					continue
				}
				v, ok := counters[p.names[mid.CounterId]]
				if !ok || n == 0 {
					continue
				}
				if len(v) > n {
					v = v[len(v)-n:]
				}
				s := &types.PerfMetricIntSeries{Value: v}
				s.Id = types.PerfMetricId{CounterId: mid.CounterId, Instance: inst}
				m.Value = append(m.Value, s)
			}
		}
		body.Res.Returnval = append(body.Res.Returnval, m)
	}
	return body
}

func main() {
	listen := flag.String("l", "127.0.0.1:8989", "address to listen on")
	esx := flag.Bool("esx", false, "a standalone ESXi host instead of a vCenter")
	vms := flag.Int("vm", 2, "VMs per host (vCenter mode)")
	hosts := flag.Int("host", 3, "hosts per cluster (vCenter mode)")
	username := flag.String("username", "", "the only user accepted (any when empty)")
	password := flag.String("password", "", "its password")
	useTLS := flag.Bool("tls", true, "serve HTTPS (a self-signed certificate)")
	metrics := flag.String("metrics", "", "JSON file of injected virtualDisk series")
	ready := flag.String("ready", "", "file to write the server's URL to once it listens")
	flag.Parse()

	model := simulator.VPX()
	if *esx {
		model = simulator.ESX()
	} else {
		model.Machine = *vms
		model.ClusterHost = *hosts
	}
	if err := model.Create(); err != nil {
		log.Fatal(err)
	}
	if *metrics != "" {
		raw, err := os.ReadFile(*metrics)
		if err != nil {
			log.Fatal(err)
		}
		var inj series
		if err := json.Unmarshal(raw, &inj); err != nil {
			log.Fatalf("%s: %v", *metrics, err)
		}
		ref := simulator.Map.Get(types.ManagedObjectReference{Type: "PerformanceManager", Value: "PerfMgr"})
		if *esx {
			ref = simulator.Map.Get(types.ManagedObjectReference{Type: "PerformanceManager", Value: "ha-perfmgr"})
		}
		stock := ref.(*simulator.PerformanceManager)
		pm := &perfManager{PerformanceManager: stock, injected: inj, names: map[int32]string{}}
		for _, c := range stock.PerfCounter {
			pm.names[c.Key] = c.GroupInfo.GetElementDescription().Key + "." + c.NameInfo.GetElementDescription().Key
		}
		simulator.Map.Put(pm)
	}
	model.Service.Listen = &url.URL{Host: *listen}
	if *username != "" {
		model.Service.Listen.User = url.UserPassword(*username, *password)
	}
	if *useTLS {
		model.Service.TLS = new(tls.Config)
	}
	s := model.Service.NewServer()
	if *ready != "" {
		if err := os.WriteFile(*ready, []byte(s.URL.String()+"\n"), 0o600); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println(s.URL.String())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
	s.Close()
	model.Remove()
}
