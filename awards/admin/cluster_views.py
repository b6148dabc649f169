"""Clusters (cụm, khối thi đua): list, create, edit, members per year with their role."""
from __future__ import annotations


from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from awards.admin import bp
from awards.admin.forms import (
    YEAR_MAX,
    YEAR_MIN,
    ClusterCreateForm,
    ClusterEditForm,
    ClusterMemberForm,
    VersionForm,
    placeholder,
    unit_choices,
)
from awards.admin.operations import bump_version, check_version
from awards.admin.permissions import admin_unit_ids, cluster_for_admin, require_admin
from awards.admin.queries import clusters_list, units_by_ids
from awards.core.errors import NotFound
from awards.extensions import db
from awards.org.models import Cluster, ClusterMember, Unit
from awards.org.operations import remove_cluster_member, save_cluster, set_cluster_member
from awards.org.queries import current_year_label

INVALID = 422


def _unit_select(field, extra_ids=()) -> None:
    ids = set(admin_unit_ids()) | {i for i in extra_ids if i is not None}
    field.choices = placeholder(_("— Chọn đơn vị —")) + unit_choices(units_by_ids(ids))


@bp.route("/clusters")
def clusters():
    require_admin()
    q = request.args.get("q", "")
    page = db.paginate(clusters_list(admin_unit_ids(), q), per_page=current_app.config["PER_PAGE"],
                       error_out=False)
    return render_template("admin/clusters.html", page=page, q=q, year=current_year_label())


@bp.route("/clusters/new", methods=["GET", "POST"])
def cluster_new():
    require_admin()
    form = ClusterCreateForm()
    _unit_select(form.organiser_id)
    if form.validate_on_submit():
        code = form.code.data.strip()
        if db.session.scalar(select(Cluster.id).where(Cluster.code == code)) is not None:
            form.code.errors.append(_("Mã cụm “%(code)s” đã tồn tại.", code=code))
        else:
            cluster = save_cluster(code, name=form.name.data.strip(),
                                   organiser=db.session.get(Unit, form.organiser_id.data))
            flash(_("Đã tạo cụm thi đua %(code)s.", code=cluster.code), "success")
            return redirect(url_for("admin.cluster_edit", code=cluster.code))
    status = INVALID if form.is_submitted() else 200
    return render_template("admin/cluster_new.html", form=form), status


def _selected_year(cluster: Cluster) -> int:
    year = request.args.get("year", type=int)
    if year is not None and YEAR_MIN <= year <= YEAR_MAX:
        return year
    years = [m.year for m in cluster.members]
    return max(years) if years else current_year_label()


def _cluster_page(cluster: Cluster, *, form=None, member_form=None, year: int | None = None, status: int = 200):
    year = year or _selected_year(cluster)
    if form is None:
        form = ClusterEditForm(obj=cluster, formdata=None)
        _unit_select(form.organiser_id, [cluster.organiser_id])
    if member_form is None:
        member_form = ClusterMemberForm(prefix="member", formdata=None, data={"version": cluster.version, "year": year})
        _unit_select(member_form.unit_id, [m.unit_id for m in cluster.members])
    years = sorted({m.year for m in cluster.members} | {year, current_year_label()}, reverse=True)
    return render_template("admin/cluster_edit.html", cluster=cluster, form=form, member_form=member_form,
                           year=year, years=years, members=cluster.members_in(year)), status


@bp.route("/clusters/<code>/edit", methods=["GET", "POST"])
def cluster_edit(code: str):
    cluster = cluster_for_admin(code)
    if request.method == "GET":
        return _cluster_page(cluster)
    form = ClusterEditForm()
    _unit_select(form.organiser_id, [cluster.organiser_id])
    check_version(cluster, form.version.data)
    if not form.validate():
        return _cluster_page(cluster, form=form, status=INVALID)
    save_cluster(cluster.code, name=form.name.data.strip(), organiser=db.session.get(Unit, form.organiser_id.data))
    flash(_("Đã lưu cụm thi đua %(code)s.", code=cluster.code), "success")
    return redirect(url_for("admin.cluster_edit", code=cluster.code))


@bp.route("/clusters/<code>/members", methods=["POST"])
def cluster_member_set(code: str):
    """Add a unit to the cluster for a year, or change its role (leader, deputy, member) that year."""
    cluster = cluster_for_admin(code)
    form = ClusterMemberForm(prefix="member")
    # A unit already in the cluster keeps its row editable even if it has since left the admin's scope.
    _unit_select(form.unit_id, [m.unit_id for m in cluster.members])
    check_version(cluster, form.version.data)
    if not form.validate():
        return _cluster_page(cluster, member_form=form, year=form.year.data if not form.year.errors else None,
                             status=INVALID)
    set_cluster_member(cluster, form.year.data, db.session.get(Unit, form.unit_id.data), form.role.data)
    bump_version(cluster)
    flash(_("Đã cập nhật thành viên cụm năm %(year)s.", year=form.year.data), "success")
    return redirect(url_for("admin.cluster_edit", code=cluster.code, year=form.year.data, _anchor="members"))


@bp.route("/clusters/<code>/members/<int:member_id>/remove", methods=["POST"])
def cluster_member_remove(code: str, member_id: int):
    cluster = cluster_for_admin(code)
    member = db.session.get(ClusterMember, member_id)
    if member is None or member.cluster_id != cluster.id:
        raise NotFound()
    form = VersionForm()
    check_version(cluster, form.version.data)
    if not form.validate():
        return _cluster_page(cluster, year=member.year, status=INVALID)
    year = member.year
    remove_cluster_member(member)
    bump_version(cluster)
    flash(_("Đã đưa đơn vị ra khỏi cụm năm %(year)s.", year=year), "success")
    return redirect(url_for("admin.cluster_edit", code=cluster.code, year=year, _anchor="members"))
