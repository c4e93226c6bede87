"""Build the demo: the small province with one account per role, its courses, cohorts, school-based
sessions and hours, and the site's notices and pages (idempotent).

It lives in cms, the top layer, because it fills every app."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.core.management.base import BaseCommand

from assessments.api import assessments_demo_seed
from certification.api import certification_demo_seed
from cms.api import cms_demo_content_ensure
from courses.api import courses_demo_seed
from lms.api import DEMO_PASSWORD, demo_accounts_table, seed_demo_people


class Command(BaseCommand):
    help = (
        "Build the demo province 示范省 (990000): 3 cities, 6 counties, 24 schools, 2 training institutions, "
        "~300 teachers and one account per role (password Demo-Passw0rd!), published courses, cohorts, "
        "school-based sessions, ledger entries, notices. Safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = seed_demo_people()
        courses = courses_demo_seed()
        evidence = assessments_demo_seed()
        certification = certification_demo_seed()
        cms_demo_content_ensure()
        self.stdout.write(
            f"Demo province ready: {result.created_organisations} organisations, "
            f"{result.created_teachers} teachers, {result.created_users} accounts created "
            "(0 everywhere means it was already there)."
        )
        self.stdout.write(
            f"Courses: {courses.published} published, {courses.awaiting_approval} awaiting approval; "
            f"{courses.cohorts} cohorts, {courses.school_sessions} school-based sessions, "
            f"{courses.hours_entries} hours entries; H5P activities: {courses.h5p_ready} ready, "
            f"{courses.h5p_held} awaiting library approval (province_admin: Wagtail → H5P libraries)."
        )
        self.stdout.write(
            f"Evidence review: {evidence.tasks} evidence task(s) open to teachers (teacher: 我的能力点测评), "
            f"{evidence.reviewers} reviewers in the province pool (reviewer, reviewer2, reviewer3: 我的评审任务); "
            "the course 技术支持的课堂讲授 has a quiz lesson 能力点自测."
        )
        self.stdout.write(
            f"Certification: {certification.levels} levels (初级/中级/高级) with their requirements, "
            f"{certification.certificates} certificates newly issued in the demo school (one of them suspended); the demo teacher is "
            + ("eligible for 初级 (county_admin: 证书管理, or the nightly run, issues it)." if certification.teacher_eligible else "not yet eligible for 初级.")
        )
        if certification.api_key:
            self.stdout.write(
                f"HR API (docs at /api/docs/): the demo system's key, bound to {certification.api_region}, every scope:\n"
                f"  curl -H 'Authorization: Bearer {certification.api_key}' "
                f"'http://127.0.0.1:8000/api/v1/teachers/?name={quote(certification.api_example_name)}'"
            )
        self.stdout.write(f"\nDemo accounts (password {DEMO_PASSWORD}):")
        for line in demo_accounts_table(result.accounts):
            self.stdout.write("  " + line)
