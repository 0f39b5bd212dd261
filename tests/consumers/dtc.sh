#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# dtc reads back every DTB the tests produce (tests/consumers/lib.sh lists
# them: good fixtures, example, real host DTs of the corpus), with every
# check this dtc has turned on as a warning (dtc 1.6.1 has no -Wall: each
# check is named with -W), and:
#   - `dtc -I dtb -O dtb` and `-O dts` accept it, and the DTS recompiles to
#     the same tree;
#   - the output draws no warning that the input partial DT did not draw.
# Then outputs broken on purpose must fail the same check (its teeth).
#
# Usage: tests/consumers/dtc.sh [BUILD_DIR]

# shellcheck source=tests/consumers/lib.sh
. "$(dirname "$0")/lib.sh"
consumers_init "${1:-build}"

# Every check of dtc 1.6.1 except always_fail (which always warns) and
# omit_unused_nodes (which edits the tree); checks this dtc does not know
# are dropped, -Wall is added where dtc has it.
checks="addr_size_cells address_cells_is_cell alias_paths avoid_default_addr_size
avoid_unnecessary_addr_size chosen_node_bootargs chosen_node_is_root
chosen_node_stdout_path clocks_is_cell clocks_property compatible_is_string_list
cooling_device_is_cell cooling_device_property deprecated_gpio_property
device_type_is_string dma_ranges_format dmas_is_cell dmas_property
duplicate_label duplicate_node_names duplicate_property_names explicit_phandles
gpios_property graph_child_address graph_endpoint graph_nodes graph_port
hwlocks_is_cell hwlocks_property i2c_bus_bridge i2c_bus_reg interrupt_provider
interrupts_extended_is_cell interrupts_extended_property interrupts_property
io_channels_is_cell io_channels_property iommus_is_cell iommus_property
label_is_string mboxes_is_cell mboxes_property model_is_string
msi_parent_is_cell msi_parent_property mux_controls_is_cell mux_controls_property
name_is_string name_properties names_is_string_list node_name_chars
node_name_chars_strict node_name_format node_name_vs_property_name
obsolete_chosen_interrupt_controller path_references pci_bridge
pci_device_bus_num pci_device_reg phandle_references phys_is_cell phys_property
power_domains_is_cell power_domains_property property_name_chars
property_name_chars_strict pwms_is_cell pwms_property reg_format resets_is_cell
resets_property simple_bus_bridge simple_bus_reg size_cells_is_cell
sound_dai_is_cell sound_dai_property spi_bus_bridge spi_bus_reg status_is_string
thermal_sensors_is_cell thermal_sensors_property unique_unit_address
unique_unit_address_if_enabled unit_address_format unit_address_vs_reg"
wflags=()
empty=$work/empty.dts
echo '/dts-v1/; / { };' >"$empty"
dtc -Wall -I dts -O dtb -o /dev/null "$empty" 2>/dev/null && wflags+=(-Wall)
for c in $checks; do
	dtc -W "$c" -I dts -O dtb -o /dev/null "$empty" 2>/dev/null && wflags+=(-W "$c")
done
echo "dtc $(dtc --version | sed "s/.* //"): $(( ${#wflags[@]} / 2 )) checks on as warnings"

# warnings DTB: dtc's warnings on DTB, without the file-name prefix, sorted.
warnings() {
	dtc "${wflags[@]}" -I dtb -O dts -o /dev/null "$1" 2>&1 |
		sed 's/^[^:]*: //' | sort -u
}

# check_out NAME OUT PARTIAL: the read-back checks; prints why it failed.
check_out() {
	local d=$work/$1
	mkdir -p "$d"
	if ! dtc -q -I dtb -O dtb -o "$d/again.dtb" "$2" 2>"$d/err"; then
		echo "dtc -I dtb -O dtb rejects it: $(head -n 1 "$d/err")"
		return 1
	fi
	if ! dtc -q -I dtb -O dts -o "$d/out.dts" "$2" 2>"$d/err" ||
		! dtc -q -I dts -O dtb -o "$d/re.dtb" "$d/out.dts" 2>>"$d/err"; then
		echo "dtc -O dts does not round-trip: $(head -n 1 "$d/err")"
		return 1
	fi
	dtc -q -I dtb -O dts -o "$d/re.dts" "$d/re.dtb" 2>/dev/null
	if ! cmp -s "$d/out.dts" "$d/re.dts"; then
		echo "the DTS does not recompile to the same tree"
		return 1
	fi
	warnings "$3" >"$d/w.in"
	warnings "$2" >"$d/w.out"
	local new
	new=$(comm -13 "$d/w.in" "$d/w.out")
	if [[ -n $new ]]; then
		echo "new dtc warning(s): $new"
		return 1
	fi
}

# stub FILE PHANDLE: a copy of FILE with a node that has PHANDLE and
# #iommu-cells = <1> at the root, unless a node already has that phandle:
# what the toolstack adds for a --no-viommu-node output (a partial DT that
# only references it).  Prints the copy's name.
stub() {
	local f
	f=$work/stub.$RANDOM.$(basename "$1")
	cp "$1" "$f"
	if ! dtc -q -I dtb -O dts "$f" 2>/dev/null |
		grep -qE "phandle = <$(printf '0x%x' "$2")>;"; then
		fdtput -c "$f" /toolstack-viommu &&
			fdtput -t x "$f" /toolstack-viommu phandle "$2" &&
			fdtput -t x "$f" /toolstack-viommu '#iommu-cells' 1
	fi
	echo "$f"
}

ncases=0
one_case() {
	local why in=$6 out=$7
	if [[ $2 == nonode ]]; then
		in=$(stub "$6" "$3")
		out=$(stub "$7" "$3")
	fi
	if why=$(check_out "$1" "$out" "$in"); then
		ncases=$((ncases + 1))
	else
		bad "$1" "$why"
	fi
}

consumers_gen
for_cases one_case
((ncases > 0)) && ok "dtc reads back $ncases outputs with no new warning"

# Teeth: outputs broken on purpose must fail the same check.
g=$work/gen
teeth() {
	local name=$1 why
	shift
	cp "$g/xen-devel.dtb" "$work/$name.dtb"
	"$@" "$work/$name.dtb" || {
		bad "teeth $name" "cannot break the output"
		return
	}
	if why=$(check_out "teeth-$name" "$work/$name.dtb" "$g/xen-devel.partial.dtb"); then
		bad "teeth $name" "the broken output passed"
	else
		ok "teeth $name: $why"
	fi
}
break_cells() { fdtput -t x "$1" /passthrough/test@10000000 iommus 0xfdea; }
break_dangling() { fdtput -t x "$1" /passthrough/test@10000000 iommus 0x1234 0; }
break_node() { fdtput -t x "$1" /passthrough/iommu@4040000 reg 0 0x5000000 0 0x1000; }
break_truncate() { truncate -s 200 "$1"; }
if grep -q '^xen-devel	' "$g/cases" && [[ -f $g/xen-devel.dtb ]]; then
	teeth iommus-short break_cells
	teeth dangling-phandle break_dangling
	teeth unit-address break_node
	teeth truncated break_truncate
fi

t_done
