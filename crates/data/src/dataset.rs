//! Dense units × codes matrices.

/// A dense matrix of `f64` stored column-major: column `j` is the contiguous
/// slice `data[j * nrow .. (j + 1) * nrow]`. Missing values are `NaN`.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    nrow: usize,
    ncol: usize,
    data: Vec<f64>,
}

impl Matrix {
    /// A matrix of `nrow` × `ncol` missing values.
    pub fn missing(nrow: usize, ncol: usize) -> Self {
        Matrix { nrow, ncol, data: vec![f64::NAN; nrow * ncol] }
    }

    /// Builds a matrix from its columns. Every column must have `nrow`
    /// entries; returns `None` otherwise.
    pub fn from_columns(nrow: usize, columns: &[Vec<f64>]) -> Option<Self> {
        let mut data = Vec::with_capacity(nrow * columns.len());
        for c in columns {
            if c.len() != nrow {
                return None;
            }
            data.extend_from_slice(c);
        }
        Some(Matrix { nrow, ncol: columns.len(), data })
    }

    pub fn nrow(&self) -> usize {
        self.nrow
    }

    pub fn ncol(&self) -> usize {
        self.ncol
    }

    /// Column `j` as a slice.
    #[inline]
    pub fn col(&self, j: usize) -> &[f64] {
        &self.data[j * self.nrow..(j + 1) * self.nrow]
    }

    /// Column `j` as a mutable slice.
    #[inline]
    pub fn col_mut(&mut self, j: usize) -> &mut [f64] {
        &mut self.data[j * self.nrow..(j + 1) * self.nrow]
    }

    #[inline]
    pub fn get(&self, i: usize, j: usize) -> f64 {
        self.data[j * self.nrow + i]
    }

    #[inline]
    pub fn set(&mut self, i: usize, j: usize, v: f64) {
        self.data[j * self.nrow + i] = v;
    }

    /// Appends a column; its length must be `nrow`.
    pub fn push_col(&mut self, col: &[f64]) {
        assert_eq!(col.len(), self.nrow, "column length must equal nrow");
        self.data.extend_from_slice(col);
        self.ncol += 1;
    }

    /// Keeps only the rows whose flag is true, in order.
    pub fn select_rows(&self, keep: &[bool]) -> Matrix {
        let nrow = keep.iter().filter(|k| **k).count();
        let mut data = Vec::with_capacity(nrow * self.ncol);
        for j in 0..self.ncol {
            data.extend(self.col(j).iter().zip(keep).filter(|(_, k)| **k).map(|(v, _)| *v));
        }
        Matrix { nrow, ncol: self.ncol, data }
    }
}

/// A named data set: one row per unit, one column per code.
#[derive(Debug, Clone, PartialEq)]
pub struct DataSet {
    /// Unit codes, one per row.
    pub units: Vec<String>,
    /// Column codes (indicators, then aggregates where present).
    pub codes: Vec<String>,
    pub values: Matrix,
}

impl DataSet {
    pub fn new(units: Vec<String>, codes: Vec<String>, values: Matrix) -> Self {
        debug_assert_eq!(units.len(), values.nrow());
        debug_assert_eq!(codes.len(), values.ncol());
        DataSet { units, codes, values }
    }

    /// Index of a column by code.
    pub fn col_index(&self, code: &str) -> Option<usize> {
        self.codes.iter().position(|c| c == code)
    }

    /// Index of a row by unit code.
    pub fn row_index(&self, unit: &str) -> Option<usize> {
        self.units.iter().position(|u| u == unit)
    }

    /// Column by code.
    pub fn column(&self, code: &str) -> Option<&[f64]> {
        self.col_index(code).map(|j| self.values.col(j))
    }

    /// Keeps the rows whose flag is true.
    pub fn select_rows(&self, keep: &[bool]) -> DataSet {
        let units = self.units.iter().zip(keep).filter(|(_, k)| **k).map(|(u, _)| u.clone()).collect();
        DataSet { units, codes: self.codes.clone(), values: self.values.select_rows(keep) }
    }

    /// Number of missing cells.
    pub fn n_missing(&self) -> usize {
        (0..self.values.ncol()).map(|j| self.values.col(j).iter().filter(|v| v.is_nan()).count()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_major_layout_and_row_selection() {
        let m = Matrix::from_columns(3, &[vec![1.0, 2.0, 3.0], vec![4.0, f64::NAN, 6.0]]).expect("equal lengths");
        assert_eq!(m.col(1)[2], 6.0);
        assert_eq!(m.get(0, 1), 4.0);
        let s = m.select_rows(&[true, false, true]);
        assert_eq!(s.nrow(), 2);
        assert_eq!(s.col(0), &[1.0, 3.0]);
        assert_eq!(s.col(1), &[4.0, 6.0]);
        assert!(Matrix::from_columns(2, &[vec![1.0]]).is_none());
    }
}
